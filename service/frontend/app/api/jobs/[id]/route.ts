/**
 * `GET /api/jobs/<id>` (service/contract/http.ts): the signed-in user's JobRecord. Only the user's
 * own bucket is read, so an absent job, another user's and a malformed id are the same 404.
 */
import { isJobId } from "../../../../../contract/job";
import { apiError, apiJson } from "../../../../lib/api";
import { messageOf } from "../../../../lib/format";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE } from "../../../../lib/identity";
import { getJob } from "../../../../lib/jobs";
import { natsOrUnavailable } from "../../../../lib/nats";

export const dynamic = "force-dynamic";

const NOT_FOUND = "No such job (it does not exist, or it is not yours).";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const identity = identityFromHeaders(request.headers);
  if (!identity) return apiError(401, UNAUTHENTICATED_MESSAGE);
  if (!isJobId(id)) return apiError(404, NOT_FOUND);
  let job;
  try {
    job = await getJob(await natsOrUnavailable(), identity.userId, id);
  } catch (e) {
    console.error(`reading job ${id} of ${identity.userId}: ${messageOf(e)}`);
    return apiError(503, `The job could not be read right now: ${messageOf(e)}`);
  }
  return job ? apiJson(200, job) : apiError(404, NOT_FOUND);
}
