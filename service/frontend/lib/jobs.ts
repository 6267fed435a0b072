/**
 * Reading a user's jobs. Every lookup goes to the signed-in user's own bucket (`jobs-<userId>`,
 * `outputs-<userId>`), so another user's job id finds nothing: "absent" and "not yours" are the
 * same answer. Only read calls are made: stream info, message gets and, to read an object, an
 * ordered consumer; the frontend never creates or changes a bucket.
 */
import type { JetStreamManager, JetStreamManagerOptions, KV, NatsConnection, StreamInfo } from "nats";
import { isJobId, outputZipName, type JobRecord } from "../../contract/job";
import { isLanguage } from "../../contract/languages";
import { isJobStatus } from "../../contract/status";
import { jobsBucket, outputsBucket } from "../../contract/user";

/** Most jobs the list shows (the newest; ids sort by submission time). @default 200 */
export const DEFAULT_LIST_LIMIT = 200;
/** Records read in parallel while listing. */
const READ_BATCH = 50;

/**
 * How the frontend opens JetStream: checkAPI would call $JS.API.INFO (account info) first, which
 * the frontend does not need and its NATS user is not granted (charts/faas/nats-auth.ts).
 */
export const JS_OPTIONS: JetStreamManagerOptions = { checkAPI: false };

function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return nc.jetstreamManager(JS_OPTIONS);
}

/** The stream's info, or undefined when it does not exist (a user who never submitted a job). */
async function streamInfo(jsm: JetStreamManager, stream: string, subjectsFilter?: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(stream, subjectsFilter ? { subjects_filter: subjectsFilter } : undefined);
  } catch (e) {
    if ((e as { api_error?: { err_code?: number } }).api_error?.err_code === 10059 || /stream not found/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

async function bindJobs(nc: NatsConnection, userId: string): Promise<{ kv: KV; info: StreamInfo } | undefined> {
  const bucket = jobsBucket(userId);
  const jsm = await manager(nc);
  const info = await streamInfo(jsm, `KV_${bucket}`, `$KV.${bucket}.*`);
  if (!info) return undefined;
  const kv = await nc.jetstream(JS_OPTIONS).views.kv(bucket, { bindOnly: true, allow_direct: info.config.allow_direct });
  return { kv, info };
}

/** A stored value as a JobRecord of this user with this id, or undefined when it is not one. */
export function parseRecord(value: Uint8Array | string, userId: string, id: string): JobRecord | undefined {
  let r: unknown;
  try {
    r = JSON.parse(typeof value === "string" ? value : new TextDecoder().decode(value));
  } catch {
    return undefined;
  }
  if (typeof r !== "object" || r === null) return undefined;
  const o = r as Partial<JobRecord>;
  // The bucket is the user's; the record must say so too (defence in depth against a misfiled record).
  if (o.id !== id || o.userId !== userId || !isLanguage(o.language) || !isJobStatus(o.status) || typeof o.submittedAt !== "string") return undefined;
  if (!Array.isArray(o.files)) return undefined;
  return o as JobRecord;
}

async function read(kv: KV, userId: string, id: string): Promise<JobRecord | undefined> {
  const entry = await kv.get(id);
  if (!entry || entry.operation !== "PUT") return undefined;
  return parseRecord(entry.value, userId, id);
}

/** The user's jobs, newest first. */
export async function listJobs(nc: NatsConnection, userId: string, limit = DEFAULT_LIST_LIMIT): Promise<JobRecord[]> {
  const bound = await bindJobs(nc, userId);
  if (!bound) return [];
  const prefix = `$KV.${jobsBucket(userId)}.`;
  // Keys come from the stream's subject list (no consumer needed); `*` leaves out `source.<id>`.
  const ids = Object.keys(bound.info.state.subjects ?? {})
    .map((s) => s.slice(prefix.length))
    .filter(isJobId)
    .sort()
    .reverse();
  // Newest first, a batch at a time, until `limit` valid records (deleted or unreadable ones are skipped).
  const records: JobRecord[] = [];
  for (let i = 0; i < ids.length && records.length < limit; i += READ_BATCH) {
    const batch = await Promise.all(ids.slice(i, i + READ_BATCH).map((id) => read(bound.kv, userId, id)));
    records.push(...batch.filter((r): r is JobRecord => r !== undefined));
  }
  return records.slice(0, limit).sort((a, b) => (a.submittedAt === b.submittedAt ? (a.id < b.id ? 1 : -1) : a.submittedAt < b.submittedAt ? 1 : -1));
}

/** One job of this user, or undefined for an invalid id, an absent job and another user's job alike. */
export async function getJob(nc: NatsConnection, userId: string, id: string): Promise<JobRecord | undefined> {
  if (!isJobId(id)) return undefined;
  const bucket = jobsBucket(userId);
  const jsm = await manager(nc);
  const info = await streamInfo(jsm, `KV_${bucket}`);
  if (!info) return undefined;
  const kv = await nc.jetstream(JS_OPTIONS).views.kv(bucket, { bindOnly: true, allow_direct: info.config.allow_direct });
  return read(kv, userId, id);
}

export interface OutputZip {
  readonly name: string;
  readonly size: number;
  /** `SHA-256=<base64url>` as the object store records it. */
  readonly digest: string;
  readonly data: ReadableStream<Uint8Array>;
  /** Settles when the stream ends; an error means the object was incomplete or corrupt. */
  readonly error: Promise<Error | null>;
}

/** `<jobId>-output.zip` of this user's job, or undefined (no such job of this user, or no zip yet). */
export async function openOutputZip(nc: NatsConnection, userId: string, id: string): Promise<OutputZip | undefined> {
  if (!(await getJob(nc, userId, id))) return undefined;
  const bucket = outputsBucket(userId);
  // views.os() would create a missing store: make sure it exists first (the frontend may only read).
  if (!(await streamInfo(await manager(nc), `OBJ_${bucket}`))) return undefined;
  const os = await nc.jetstream(JS_OPTIONS).views.os(bucket);
  const result = await os.get(outputZipName(id));
  if (!result) return undefined;
  return { name: result.info.name, size: result.info.size, digest: result.info.digest, data: result.data, error: streamOutcome(result.error) };
}

/**
 * The stream's outcome as a promise that never rejects: nats.js rejects its `error` with
 * "Controller is already closed" when a client disconnects mid-download, and an unhandled
 * rejection would take the frontend's server down with it.
 */
export function streamOutcome(error: Promise<Error | null>): Promise<Error | null> {
  return error.then(
    (e) => e ?? null,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}
