import { headers } from "next/headers";
import Link from "next/link";
import { AutoRefresh } from "../components/auto-refresh";
import { JobForm } from "../components/job-form";
import { StatusBadge } from "../components/status-badge";
import { Unauthenticated } from "../components/unauthenticated";
import { elapsedMs, formatDuration, formatTime, LANGUAGE_NAMES, messageOf } from "../lib/format";
import { identityFromHeaders } from "../lib/identity";
import { listJobs } from "../lib/jobs";
import { natsOrUnavailable } from "../lib/nats";
import type { JobRecord } from "../../contract/job";

export const dynamic = "force-dynamic";

/** How often the list re-reads the user's bucket (the documents' 5 seconds). */
const LIST_REFRESH_MS = 5000;

export default async function JobsPage() {
  const identity = identityFromHeaders(await headers());
  if (!identity) return <Unauthenticated />;
  let jobs: JobRecord[] = [];
  let error: string | undefined;
  try {
    jobs = await listJobs(await natsOrUnavailable(), identity.userId);
  } catch (e) {
    error = `Your jobs could not be read: ${messageOf(e)}`;
    console.error(`listing jobs of ${identity.userId}: ${messageOf(e)}`);
  }
  return (
    <>
      <section aria-labelledby="new-job">
        <h1 id="new-job">New job</h1>
        <JobForm />
      </section>
      <section aria-labelledby="your-jobs">
        <h2 id="your-jobs">Your jobs</h2>
        <AutoRefresh intervalMs={LIST_REFRESH_MS} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {!error && jobs.length === 0 && <p data-testid="no-jobs">No jobs yet.</p>}
        {jobs.length > 0 && (
          <table className="jobs" data-testid="jobs">
            <caption className="sr-only">Your jobs, newest first (refreshed every {LIST_REFRESH_MS / 1000} seconds)</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Language</th>
                <th scope="col">Status</th>
                <th scope="col">Submitted</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-job-id={j.id}>
                  <td>
                    <Link href={`/job/${j.id}`} className="mono">
                      {j.id}
                    </Link>
                  </td>
                  <td>{LANGUAGE_NAMES[j.language]}</td>
                  <td>
                    <StatusBadge status={j.status} />
                  </td>
                  <td>{formatTime(j.submittedAt)}</td>
                  <td>{formatDuration(elapsedMs(j.submittedAt, j.finishedAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
