/**
 * Who a user is, and where their jobs live. Identity comes ONLY from the headers oauth2-proxy sets
 * (`X-Forwarded-Email`, `X-Forwarded-User`); oauth2-proxy (and our test stand-in) strips any such
 * header a client sends. NATS bucket names must match `[-\w]+`, which an email does not, so every
 * user gets a stable id derived from the email:
 *
 *   userId = "u" + first 32 hex digits of SHA-256("clusterkit-user:v1:" + lower-cased, trimmed email)
 *
 * Same email, same id, on every replica and every deploy; the id reveals nothing readable about
 * the email. Job records live in KV bucket `jobs-<userId>`, output zips in object store
 * `outputs-<userId>`.
 */
import { createHash } from "node:crypto";

export const IDENTITY_HEADERS = { email: "x-forwarded-email", user: "x-forwarded-user" } as const;

const USER_ID = /^u[0-9a-f]{32}$/;

export function userIdFromEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!normalized.includes("@")) throw new Error("an email address is required to derive a user id");
  return "u" + createHash("sha256").update(`clusterkit-user:v1:${normalized}`).digest("hex").slice(0, 32);
}

export function isUserId(value: unknown): value is string {
  return typeof value === "string" && USER_ID.test(value);
}

/** KV bucket holding a user's job records (key = job id). */
export function jobsBucket(userId: string): string {
  if (!isUserId(userId)) throw new Error(`not a user id: ${JSON.stringify(userId).slice(0, 80)}`);
  return `jobs-${userId}`;
}

/** Object store holding a user's `<jobId>-output.zip` files. */
export function outputsBucket(userId: string): string {
  if (!isUserId(userId)) throw new Error(`not a user id: ${JSON.stringify(userId).slice(0, 80)}`);
  return `outputs-${userId}`;
}

/** Prefix every job-record bucket shares (the middleware finds all users' buckets by it). */
export const JOBS_BUCKET_PREFIX = "jobs-";
