"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE } from "../lib/identity";
import { messageOf } from "../lib/format";
import { natsOrUnavailable } from "../lib/nats";
import { submissionFromForm } from "../lib/submission";
import { buildJobRequest, sendJobRequest } from "../lib/submit";

export interface SubmitState {
  /** Why nothing was submitted (service unreachable, middleware refused). */
  readonly error?: string;
  /** Rule violations in the form, `field: rule`. */
  readonly problems?: readonly string[];
}

/** The job form's action: check, send on `cola.<language>`, then show the new job. */
export async function submitJob(_previous: SubmitState, form: FormData): Promise<SubmitState> {
  const identity = identityFromHeaders(await headers());
  if (!identity) return { error: UNAUTHENTICATED_MESSAGE };
  const submission = await submissionFromForm(form);
  if (!submission.ok) return { problems: submission.problems };
  let id: string;
  try {
    const reply = await sendJobRequest(await natsOrUnavailable(), buildJobRequest(identity, submission.language, submission.files));
    if (!reply.ok) return { error: reply.error };
    id = reply.id;
  } catch (e) {
    return { error: messageOf(e) };
  }
  // Outside the try: redirect() works by throwing.
  redirect(`/job/${id}`);
}
