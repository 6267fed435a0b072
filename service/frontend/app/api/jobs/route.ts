/**
 * `POST /api/jobs` (service/contract/http.ts): a JobSubmission as JSON, submitted for the user
 * oauth2-proxy identified, through the same path as the form's server action (submitForUser).
 */
import { API_PATHS, type JobSubmitted } from "../../../../contract/http";
import { apiError, apiJson, apiProblems, isJsonContentType, readJsonBody } from "../../../lib/api";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE } from "../../../lib/identity";
import { submissionFromJson } from "../../../lib/submission";
import { submitForUser } from "../../../lib/submit";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const identity = identityFromHeaders(request.headers);
  if (!identity) return apiError(401, UNAUTHENTICATED_MESSAGE);
  if (!isJsonContentType(request.headers.get("content-type"))) return apiError(415, "Send the submission as content-type: application/json.");
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const outcome = await submitForUser(identity, submissionFromJson(body.value));
  if (outcome.kind === "invalid") return apiProblems(outcome.problems);
  if (outcome.kind === "unavailable") {
    console.error(`submitting a job for ${identity.userId}: ${outcome.error}`);
    return apiError(503, outcome.error);
  }
  return apiJson(201, { id: outcome.id } satisfies JobSubmitted, { location: API_PATHS.job(outcome.id) });
}
