/**
 * Job state in NATS JetStream: per user a KV bucket `jobs-<userId>` (key = job id, value = JSON
 * JobRecord; the encoded source under `source.<id>`) and an object store `outputs-<userId>`
 * (`<jobId>-output.zip`). Buckets are created on first use with the configured replicas. Every
 * record change is a compare-and-set on the KV revision, so two replicas never both act on a job.
 */
import { createHash } from "node:crypto";
import type { JetStreamClient, JetStreamManager, KV, ObjectStore } from "nats";
import type { JobRecord } from "../contract/job";
import { sourceKey } from "../contract/job";
import { isJobStatus } from "../contract/status";
import { JOBS_BUCKET_PREFIX, jobsBucket, outputsBucket, isUserId } from "../contract/user";

export interface Versioned {
  readonly record: JobRecord;
  readonly revision: number;
}

/** KV compare-and-set lost: someone else changed the record first. */
export class Conflict extends Error {}

function isWrongSequence(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10071 || /wrong last sequence/i.test(e?.message ?? "");
}

function decode(value: Uint8Array): JobRecord {
  const r = JSON.parse(Buffer.from(value).toString("utf8")) as JobRecord;
  if (typeof r?.id !== "string" || !isJobStatus(r.status)) throw new Error("not a job record");
  return r;
}

const encode = (r: JobRecord) => Buffer.from(JSON.stringify(r));

/** The object store's digest notation: `SHA-256=` and padded base64url. */
function natsDigest(data: Uint8Array): string {
  const b64 = createHash("sha256").update(data).digest("base64url");
  return `SHA-256=${b64}${"=".repeat((4 - (b64.length % 4)) % 4)}`;
}

export interface BucketState {
  readonly userId: string;
  /** Last stream sequence: unchanged means no record changed since the last look. */
  readonly lastSeq: number;
}

export class JobStore {
  private readonly kvs = new Map<string, Promise<KV>>();
  private readonly stores = new Map<string, Promise<ObjectStore>>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly replicas: number,
  ) {}

  private kv(userId: string): Promise<KV> {
    let p = this.kvs.get(userId);
    if (!p) {
      // history 1: a record is its latest value; the frontend reads only that.
      p = this.js.views.kv(jobsBucket(userId), { replicas: this.replicas, history: 1 });
      p.catch(() => this.kvs.delete(userId));
      this.kvs.set(userId, p);
    }
    return p;
  }

  private os(userId: string): Promise<ObjectStore> {
    let p = this.stores.get(userId);
    if (!p) {
      p = this.js.views.os(outputsBucket(userId), { replicas: this.replicas });
      p.catch(() => this.stores.delete(userId));
      this.stores.set(userId, p);
    }
    return p;
  }

  /** Stores a new job's source, then its record (so every record has its source). */
  async create(record: JobRecord, encodedSource?: string): Promise<number> {
    const kv = await this.kv(record.userId);
    if (encodedSource !== undefined) await kv.put(sourceKey(record.id), Buffer.from(encodedSource));
    try {
      return await kv.create(record.id, encode(record));
    } catch (err) {
      if (isWrongSequence(err)) throw new Conflict(`job ${record.id} already exists`);
      throw err;
    }
  }

  async get(userId: string, id: string): Promise<Versioned | undefined> {
    const e = await (await this.kv(userId)).get(id);
    if (!e || e.operation !== "PUT" || e.value.length === 0) return undefined;
    return { record: decode(e.value), revision: e.revision };
  }

  async source(userId: string, id: string): Promise<string | undefined> {
    const e = await (await this.kv(userId)).get(sourceKey(id));
    if (!e || e.operation !== "PUT") return undefined;
    return Buffer.from(e.value).toString("utf8");
  }

  /** Compare-and-set: writes `record` only if the stored revision is still `revision`. */
  async update(record: JobRecord, revision: number): Promise<Versioned> {
    try {
      const r = await (await this.kv(record.userId)).update(record.id, encode(record), revision);
      return { record, revision: r };
    } catch (err) {
      if (isWrongSequence(err)) throw new Conflict(`job ${record.id} changed since revision ${revision}`);
      throw err;
    }
  }

  /**
   * Every job record of a user. The keys come from the stream's subject list (`*` leaves out
   * `source.<id>`), not from kv.keys(): that runs an ordered consumer which, seen here under load,
   * sometimes never ends — and a reconciliation that never ends stops this replica's reconciling.
   */
  async records(userId: string): Promise<Versioned[]> {
    const bucket = jobsBucket(userId);
    await this.kv(userId);
    const info = await this.jsm.streams.info(`KV_${bucket}`, { subjects_filter: `$KV.${bucket}.*` });
    const prefix = `$KV.${bucket}.`;
    const keys = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefix.length));
    const out: Versioned[] = [];
    for (const k of keys) {
      try {
        const v = await this.get(userId, k);
        if (v) out.push(v);
      } catch {
        // A value that is not a record is not ours to fix.
      }
    }
    return out;
  }

  /** Users with a jobs bucket, and each bucket's last sequence. */
  async buckets(): Promise<BucketState[]> {
    const out: BucketState[] = [];
    for await (const s of this.jsm.streams.list()) {
      const name = s.config.name;
      const prefix = `KV_${JOBS_BUCKET_PREFIX}`;
      if (!name.startsWith(prefix)) continue;
      const userId = name.slice(prefix.length);
      if (isUserId(userId)) out.push({ userId, lastSeq: s.state.last_seq });
    }
    return out;
  }

  /**
   * Stores the zip unless an identical one is already there (a retried collection). The object
   * store cannot replace an object without purging the old chunks, which this user may not do.
   */
  async putZip(userId: string, name: string, zip: Buffer): Promise<void> {
    const os = await this.os(userId);
    const existing = await os.info(name);
    if (existing && !existing.deleted) {
      if (existing.digest === natsDigest(zip) && existing.size === zip.length) return;
      throw new Error(`${name} already exists with different content`);
    }
    await os.putBlob({ name }, zip);
  }
}
