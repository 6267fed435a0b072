/**
 * The frontend's HTTP interface for programs (the browser uses the pages and server actions):
 * `npm run verify` submits one job per language through it, as a signed-in user would, through
 * oauth2-proxy. Identity comes only from oauth2-proxy's headers (user.ts), as for the pages.
 *
 *   POST /api/jobs              body JobSubmission (application/json) -> 201 JobSubmitted
 *                               400 { problems: string[] } (sourceProblems), 401 without identity,
 *                               503 { error } when NATS or the middleware is unavailable
 *   GET  /api/jobs/<id>         -> 200 JobRecord of the signed-in user's job, 404 otherwise
 *   GET  /job/<id>/download     -> 200 application/zip `<id>-output.zip`, 404 when absent
 *   GET  /api/health            -> 200 { ok: true, nats: { connected } } (no sign-in: kubelet probes)
 *
 * POST requires `content-type: application/json`: a cross-site form cannot send it without a
 * CORS preflight, and oauth2-proxy's cookie is SameSite=Lax besides.
 */
import type { Language } from "./languages";
import type { SourceFile } from "./source";

export const API_PATHS = {
  jobs: "/api/jobs",
  job: (id: string) => `/api/jobs/${id}`,
  download: (id: string) => `/job/${id}/download`,
  health: "/api/health",
} as const;

export interface JobSubmission {
  readonly language: Language;
  readonly files: readonly SourceFile[];
}

export interface JobSubmitted {
  readonly id: string;
}

/** Names inside `<jobId>-output.zip` (written by the middleware). */
export const OUTPUT_ZIP_ENTRIES = { stdout: "stdout.txt", stderr: "stderr.txt" } as const;
