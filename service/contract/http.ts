/**
 * The frontend's HTTP interface for programs (the browser uses the pages and server actions):
 * `npm run verify` submits one job per language through it, as a signed-in user would, through
 * oauth2-proxy. Identity comes only from oauth2-proxy's headers (user.ts), as for the pages.
 *
 *   POST /api/jobs              body JobSubmission (application/json) -> 201 JobSubmitted
 *                               400 ApiProblems (sourceProblems, a body that is not a JobSubmission,
 *                               or the middleware's own refusal), 401 without identity,
 *                               413 ApiError for a body over MAX_SUBMISSION_BODY_BYTES,
 *                               415 ApiError for any other content type,
 *                               503 ApiError when NATS or the middleware does not answer
 *   GET  /api/jobs/<id>         -> 200 JobRecord of the signed-in user's job, 404 ApiError otherwise
 *                               (the same 404 for an absent job, another user's and a malformed id),
 *                               401 without identity, 503 ApiError when NATS does not answer
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

/** 400: what is wrong with the submission, as `field: rule` strings. */
export interface ApiProblems {
  readonly problems: readonly string[];
}

/** Every other refusal: a sentence for people. */
export interface ApiError {
  readonly error: string;
}

/**
 * Largest POST body the frontend reads. A valid submission is about SOURCE_LIMITS.maxEncodedBytes
 * (200 KiB) of JSON at most; the rest is slack for a client's own formatting.
 */
export const MAX_SUBMISSION_BODY_BYTES = 512 * 1024;

/** Names inside `<jobId>-output.zip` (written by the middleware). */
export const OUTPUT_ZIP_ENTRIES = { stdout: "stdout.txt", stderr: "stderr.txt" } as const;
