/**
 * What travels between the frontend and the middleware, and what the middleware stores.
 *
 * The frontend (server side only) sends a JobRequest as a NATS request on `cola.<language>`; one
 * middleware replica (queue group `middleware`) validates it, assigns the id, stores the record in
 * the user's KV bucket with status "Pendiente" and replies with a JobReply. The KV entry (key = job
 * id, value = JSON JobRecord) is the job's source of truth from then on; the source itself is kept
 * under the key `source.<jobId>` so listing a user's jobs never transfers source code.
 */
import type { Language } from "./languages";
import type { SourceFile } from "./source";
import type { JobStatus } from "./status";

export interface JobRequest {
  /** userIdFromEmail(X-Forwarded-Email), computed by the frontend from oauth2-proxy's header. */
  readonly userId: string;
  /** For display only (never used to find data). */
  readonly email: string;
  readonly language: Language;
  readonly files: readonly SourceFile[];
}

/**
 * The middleware's answer. A refusal of the submission itself (it breaks the contract's rules)
 * carries the rules it broke in `problems`; a refusal without them is the service's failure.
 */
export type JobReply = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string; readonly problems?: readonly string[] };

/** One run's measurements (compile or run phase), as the trusted runner saw them. */
export interface PhaseResult {
  /** Exit status when the process exited; null when it was killed by a signal. */
  readonly exitCode: number | null;
  /** Signal name (e.g. SIGSEGV) when the process was killed; null otherwise. */
  readonly signal: string | null;
  readonly durationMs: number;
}

export interface JobResult {
  /** Compiler messages (Go, C), truncated for display; the zip has the full log. */
  readonly compileOutput: string;
  /** Stdout and stderr previews (the zip holds everything kept). */
  readonly stdout: string;
  readonly stderr: string;
  readonly compile?: PhaseResult;
  readonly run?: PhaseResult;
  /** Which limit ended the job, when one did. */
  readonly limit?: "compile-time" | "run-time" | "memory" | "processes" | "output";
  /** Set when any stream or the output folder was cut at its cap. */
  readonly truncated: boolean;
  /** `<jobId>-output.zip` in the user's object store. */
  readonly zip?: { readonly name: string; readonly size: number; readonly sha256: string };
}

export interface JobRecord {
  readonly id: string;
  readonly userId: string;
  readonly email: string;
  readonly language: Language;
  readonly status: JobStatus;
  /** File names and sizes (the content is under `source.<id>`). */
  readonly files: readonly { readonly name: string; readonly size: number }[];
  /** ISO-8601 times. */
  readonly submittedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Present once the job reached a final state with a result. */
  readonly result?: JobResult;
  /** Why the job was rejected or failed, for people. */
  readonly error?: string;
  /**
   * Which middleware replica is launching or collecting the job, and since when (the middleware's
   * own bookkeeping: a replica acts on a job only after winning a compare-and-set on the record,
   * and another replica takes over only when the lease is older than the middleware's lease time).
   * Absent on final records.
   */
  readonly lease?: JobLease;
  /** How many times an executor Pod was launched for this job (1 unless a launch was taken over). */
  readonly attempts?: number;
}

export interface JobLease {
  readonly replica: string;
  /** launch: creating the executor Pod; collect: reading its result and storing the zip. */
  readonly phase: "launch" | "collect";
  /** ISO-8601 time the lease was taken. */
  readonly at: string;
}

/** KV key of a job's source (two tokens, so a `*` key filter lists only job records). */
export function sourceKey(jobId: string): string {
  return `source.${jobId}`;
}

/** Object name of a job's output zip. */
export function outputZipName(jobId: string): string {
  return `${jobId}-output.zip`;
}

/**
 * Job ids: 26 lower-case Crockford base32 characters, 48 bits of time (so ids sort by submission)
 * then 80 random bits (so they cannot be guessed). Also usable in pod names (DNS-1123).
 */
export const JOB_ID = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function isJobId(value: unknown): value is string {
  return typeof value === "string" && JOB_ID.test(value);
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

export function newJobId(now: number = Date.now(), random: Uint8Array = crypto.getRandomValues(new Uint8Array(10))): string {
  let time = "";
  let t = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let rand = "";
  for (let i = 0; i < 16; i++) {
    rand = CROCKFORD[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}
