import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { PhaseResult } from "../../../../contract/job";
import { isJobId } from "../../../../contract/job";
import { isFinal } from "../../../../contract/status";
import { AutoRefresh } from "../../../components/auto-refresh";
import { StatusBadge } from "../../../components/status-badge";
import { Unauthenticated } from "../../../components/unauthenticated";
import { formatBytes, formatDuration, formatTime, LANGUAGE_NAMES, messageOf } from "../../../lib/format";
import { identityFromHeaders } from "../../../lib/identity";
import { getJob } from "../../../lib/jobs";
import { natsOrUnavailable } from "../../../lib/nats";
import { API_PATHS } from "../../../../contract/http";

export const dynamic = "force-dynamic";

/** How often a job that is not final yet is re-read. */
const JOB_REFRESH_MS = 2000;

const LIMIT_NAMES = { "compile-time": "compile time", "run-time": "run time", memory: "memory", processes: "process count", output: "output size" } as const;

function Phase({ name, phase }: { name: string; phase: PhaseResult | undefined }) {
  if (!phase) return null;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td data-testid={`${name.toLowerCase()}-exit`}>{phase.signal ? `killed by ${phase.signal}` : `exit code ${phase.exitCode ?? "—"}`}</td>
      <td>{formatDuration(phase.durationMs)}</td>
    </tr>
  );
}

function Output({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {text === "" ? <p className="muted">(empty)</p> : <pre data-testid={testId}>{text}</pre>}
    </section>
  );
}

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const identity = identityFromHeaders(await headers());
  if (!identity) return <Unauthenticated />;
  // Same 404 for a malformed id, an absent job and another user's job: only this user's bucket is read.
  if (!isJobId(id)) notFound();
  let job;
  try {
    job = await getJob(await natsOrUnavailable(), identity.userId, id);
  } catch (e) {
    console.error(`reading job ${id} of ${identity.userId}: ${messageOf(e)}`);
    return (
      <>
        <AutoRefresh intervalMs={JOB_REFRESH_MS * 2} />
        <p role="alert" className="error">
          This job could not be read right now: {messageOf(e)}
        </p>
      </>
    );
  }
  if (!job) notFound();
  const final = isFinal(job.status);
  const r = job.result;
  return (
    <article aria-labelledby="job-title">
      {!final && <AutoRefresh intervalMs={JOB_REFRESH_MS} />}
      <p>
        <Link href="/">← All jobs</Link>
      </p>
      <h1 id="job-title">
        Job <span className="mono">{job.id}</span>
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd aria-live="polite" data-testid="job-status" data-final={final ? "yes" : "no"}>
          <StatusBadge status={job.status} />
          {!final && <span className="muted"> (updating)</span>}
        </dd>
        <dt>Language</dt>
        <dd>{LANGUAGE_NAMES[job.language]}</dd>
        <dt>Files</dt>
        <dd>{job.files.map((f) => `${f.name} (${formatBytes(f.size)})`).join(", ")}</dd>
        <dt>Submitted</dt>
        <dd>{formatTime(job.submittedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(job.finishedAt)}</dd>
        {r?.limit && (
          <>
            <dt>Limit hit</dt>
            <dd data-testid="limit">{LIMIT_NAMES[r.limit]}</dd>
          </>
        )}
        {r && (
          <>
            <dt>Output truncated</dt>
            <dd data-testid="truncated">{r.truncated ? "yes: a stream or the output folder reached its size cap (the zip holds what was kept)" : "no"}</dd>
          </>
        )}
      </dl>
      {job.error && (
        <p role="alert" className="error" data-testid="job-error">
          {job.error}
        </p>
      )}
      {r && (r.compile || r.run) && (
        <table className="phases">
          <caption>Timings and exit status</caption>
          <thead>
            <tr>
              <th scope="col">Phase</th>
              <th scope="col">Result</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            <Phase name="Compile" phase={r.compile} />
            <Phase name="Run" phase={r.run} />
          </tbody>
        </table>
      )}
      {r && (
        <>
          {(job.language !== "javascript" || r.compileOutput !== "") && <Output title="Compiler output" text={r.compileOutput} testId="compile-output" />}
          <Output title="Standard output" text={r.stdout} testId="stdout" />
          <Output title="Standard error" text={r.stderr} testId="stderr" />
        </>
      )}
      {r?.zip && (
        <p>
          <a href={API_PATHS.download(job.id)} download={r.zip.name} data-testid="download">
            Download {r.zip.name}
          </a>{" "}
          <span className="muted">
            ({formatBytes(r.zip.size)}, SHA-256 <span className="mono">{r.zip.sha256.slice(0, 16)}…</span>)
          </span>
        </p>
      )}
    </article>
  );
}
