/**
 * Sending a checked submission to the middleware: a NATS request on `cola.<language>`, made by the
 * server only (the browser never talks to NATS).
 */
import { ErrorCode, type NatsConnection, type NatsError } from "nats";
import { isJobId, type JobReply, type JobRequest } from "../../contract/job";
import { jobSubject, type Language } from "../../contract/languages";
import type { SourceFile } from "../../contract/source";
import type { Identity } from "./identity";

/** The request the middleware receives: the user id comes from the identity, never the form. */
export function buildJobRequest(identity: Identity, language: Language, files: readonly SourceFile[]): JobRequest {
  return { userId: identity.userId, email: identity.email, language, files: files.map((f) => ({ name: f.name, content: f.content })) };
}

/** How long the frontend waits for a middleware replica to store the job and answer. @default 5000 */
export const REQUEST_TIMEOUT_MS = 5000;

/** A reply as the contract defines it, or a failed one explaining what arrived instead. */
export function parseReply(data: Uint8Array): JobReply {
  let r: unknown;
  try {
    r = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, error: "The middleware answered with something that is not JSON." };
  }
  const o = r as Partial<{ ok: unknown; id: unknown; error: unknown }>;
  if (o?.ok === true && isJobId(o.id)) return { ok: true, id: o.id };
  if (o?.ok === false && typeof o.error === "string") return { ok: false, error: o.error };
  return { ok: false, error: "The middleware's answer is not a job reply." };
}

/** Sends the request on `cola.<language>`; every failure becomes a JobReply with a message for people. */
export async function sendJobRequest(nc: NatsConnection, request: JobRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<JobReply> {
  const subject = jobSubject(request.language);
  try {
    const msg = await nc.request(subject, new TextEncoder().encode(JSON.stringify(request)), { timeout: timeoutMs });
    return parseReply(msg.data);
  } catch (e) {
    const code = (e as NatsError).code;
    if (code === ErrorCode.NoResponders) return { ok: false, error: `No middleware is answering on ${subject}; the job was not submitted. Try again in a moment.` };
    if (code === ErrorCode.Timeout) return { ok: false, error: `The middleware did not answer on ${subject} within ${timeoutMs / 1000} s; the job may not have been submitted. Check the job list before trying again.` };
    if (code === ErrorCode.PermissionsViolation) return { ok: false, error: `NATS refused the request on ${subject} (permissions); the job was not submitted.` };
    return { ok: false, error: `The job could not be submitted: ${(e as Error).message}` };
  }
}
