/** `<jobId>-output.zip` from the signed-in user's object store, streamed. */
import { isJobId } from "../../../../../contract/job";
import { messageOf } from "../../../../lib/format";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE } from "../../../../lib/identity";
import { openOutputZip } from "../../../../lib/jobs";
import { natsOrUnavailable } from "../../../../lib/nats";

export const dynamic = "force-dynamic";

const text = (status: number, body: string) =>
  new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const identity = identityFromHeaders(request.headers);
  if (!identity) return text(401, UNAUTHENTICATED_MESSAGE);
  const notFound = () => text(404, "No such job output (the job does not exist, is not yours, or has no output yet).");
  if (!isJobId(id)) return notFound();
  let zip;
  try {
    zip = await openOutputZip(await natsOrUnavailable(), identity.userId, id);
  } catch (e) {
    console.error(`opening the output of ${id} for ${identity.userId}: ${messageOf(e)}`);
    return text(503, `The output could not be read right now: ${messageOf(e)}`);
  }
  if (!zip) return notFound();
  void zip.error.then((err) => {
    if (err) console.error(`streaming the output of ${id} for ${identity.userId}: ${err.message}`);
  });
  return new Response(zip.data, {
    status: 200,
    headers: {
      "content-type": "application/zip",
      "content-length": String(zip.size),
      // The name is `<jobId>-output.zip`: a job id and a fixed suffix, nothing to escape.
      "content-disposition": `attachment; filename="${id}-output.zip"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
