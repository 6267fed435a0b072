/**
 * Sending a checked submission to the middleware: a NATS request on `cola.<language>`, made by the
 * server only (the browser never talks to NATS). `submitForUser` is the one path every way of
 * submitting takes (the form's server action and `POST /api/jobs`).
 */
import { ErrorCode, type NatsConnection, type NatsError } from "nats";
import { isJobId, type JobReply, type JobRequest } from "../../contract/job";
import { jobSubject, type Language } from "../../contract/languages";
import type { SourceFile } from "../../contract/source";
import { messageOf } from "./format";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE, type HeaderSource, type Identity } from "./identity";
import { natsOrUnavailable } from "./nats";
import { submissionFromForm, type Submission } from "./submission";

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
  const o = r as Partial<{ ok: unknown; id: unknown; error: unknown; problems: unknown }>;
  if (o?.ok === true && isJobId(o.id)) return { ok: true, id: o.id };
  if (o?.ok === false && typeof o.error === "string") {
    const problems =
      Array.isArray(o.problems) && o.problems.length > 0 && o.problems.every((p) => typeof p === "string") ? (o.problems as string[]) : undefined;
    return { ok: false, error: o.error, ...(problems ? { problems } : {}) };
  }
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
    if (code === ErrorCode.NoResponders)
      return { ok: false, error: `No middleware is answering on ${subject}; the job was not submitted. Try again in a moment.` };
    if (code === ErrorCode.Timeout)
      return {
        ok: false,
        error: `The middleware did not answer on ${subject} within ${timeoutMs / 1000} s; the job may not have been submitted. Check the job list before trying again.`,
      };
    if (code === ErrorCode.PermissionsViolation)
      return { ok: false, error: `NATS refused the request on ${subject} (permissions); the job was not submitted.` };
    return { ok: false, error: `The job could not be submitted: ${(e as Error).message}` };
  }
}

/** What became of a submission: the new job, rules it breaks, or why the service could not take it. */
export type SubmitOutcome =
  | { readonly kind: "submitted"; readonly id: string }
  | { readonly kind: "invalid"; readonly problems: readonly string[] }
  | { readonly kind: "unavailable"; readonly error: string };

/**
 * Submits a parsed submission as the signed-in user: its problems are returned as they are (nothing
 * is sent), otherwise the JobRequest goes to the middleware over the shared NATS connection. A
 * middleware that refuses the submission's content gives "invalid"; NATS unreachable, no
 * middleware, a timeout or any other refusal gives "unavailable". Never throws.
 */
export async function submitForUser(
  identity: Identity,
  submission: Submission,
  connection: () => Promise<NatsConnection> = natsOrUnavailable,
): Promise<SubmitOutcome> {
  if (!submission.ok) return { kind: "invalid", problems: submission.problems };
  let reply: JobReply;
  try {
    reply = await sendJobRequest(await connection(), buildJobRequest(identity, submission.language, submission.files));
  } catch (e) {
    return { kind: "unavailable", error: messageOf(e) };
  }
  if (reply.ok) return { kind: "submitted", id: reply.id };
  return reply.problems ? { kind: "invalid", problems: reply.problems } : { kind: "unavailable", error: reply.error };
}

/** What the job form shows after a refused submission. */
export interface SubmitState {
  /** Why nothing was submitted (not signed in, service unreachable, middleware not answering). */
  readonly error?: string;
  /** Rule violations in the form (or the middleware's refusal), `field: rule`. */
  readonly problems?: readonly string[];
}

/**
 * The job form's submission for the request's identity (the server action without Next's request
 * APIs): the state to show, or the path of the new job's page.
 */
export async function submitForm(
  headers: HeaderSource,
  form: FormData,
  connection?: () => Promise<NatsConnection>,
): Promise<SubmitState | { readonly jobPath: string }> {
  const identity = identityFromHeaders(headers);
  if (!identity) return { error: UNAUTHENTICATED_MESSAGE };
  const outcome = await submitForUser(identity, await submissionFromForm(form), connection);
  if (outcome.kind === "invalid") return { problems: outcome.problems };
  if (outcome.kind === "unavailable") return { error: outcome.error };
  return { jobPath: `/job/${outcome.id}` };
}
