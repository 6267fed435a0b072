"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { submitForm, type SubmitState } from "../lib/submit";

export type { SubmitState };

/** The job form's action: check, send on `cola.<language>` (lib/submit.ts), then show the new job. */
export async function submitJob(_previous: SubmitState, form: FormData): Promise<SubmitState> {
  const result = await submitForm(await headers(), form);
  if ("jobPath" in result) redirect(result.jobPath);
  return result;
}
