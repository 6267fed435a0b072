/**
 * The middleware's job lifecycle. The KV record is the source of truth and every transition is a
 * compare-and-set on its revision, so two replicas never both act on a job:
 *
 *   intake:  request on cola.<lang> (queue group) → validate → record "Pendiente" (+ source) → reply
 *   launch:  Pendiente → Pendiente + launch lease (CAS) → create Pod `job-<id>` (AlreadyExists =
 *            already started) → "running" (CAS). Quota full → lease released, retried later.
 *   collect: Pod done → collect lease (CAS) → report log → frame → zip → final record (CAS) → delete Pod
 *   reconcile (at start and every interval): done Pods are collected, Pendiente jobs without a live
 *            lease are launched, running jobs whose Pod vanished are failed. A lease older than
 *            leaseMs belongs to a dead replica and is taken over.
 *
 * A Pod is deleted only after its job's final record is written, and created only by the holder of
 * a live launch lease while its record is Pendiente, so a job's Pod is never created twice.
 */
import type { V1Pod, V1PodTemplate } from "@kubernetes/client-node";
import type { Msg, NatsConnection, Subscription } from "nats";
import { EXECUTOR_LABELS, executorPodName, REPORT_CONTAINER } from "../contract/executor";
import { MAX_FRAME_BYTES } from "../contract/frame";
import { isJobId, type JobLease, type JobRecord, type JobReply, newJobId, outputZipName } from "../contract/job";
import { isLanguage, jobSubject, type Language, LANGUAGES, MIDDLEWARE_QUEUE_GROUP } from "../contract/languages";
import { encodeSource } from "../contract/source";
import { isFinal } from "../contract/status";
import { isUserId } from "../contract/user";
import type { MiddlewareConfig } from "./config";
import { apiFailure, type KubeApi, QuotaExceeded } from "./kube";
import type { Logger } from "./log";
import { podFinishedAt, podIsDone } from "./outcome";
import { executorPod, executorSelector } from "./pod";
import { checkRequest, fileSummaries } from "./request";
import { collect } from "./result";
import { Conflict, type JobStore, type Versioned } from "./store";

export interface MiddlewareDeps {
  readonly config: MiddlewareConfig;
  readonly nc: NatsConnection;
  readonly store: JobStore;
  readonly kube: KubeApi;
  readonly log: Logger;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A PodTemplate is re-read after this long, so a chart change reaches new jobs without a restart. */
const TEMPLATE_TTL_MS = 30_000;

interface JobRef {
  readonly userId: string;
  readonly id: string;
}

const withoutLease = (r: JobRecord): JobRecord => {
  const { lease: _lease, ...rest } = r;
  return rest;
};

export class Middleware {
  private readonly cfg: MiddlewareConfig;
  private readonly now: () => number;
  private subs: Subscription[] = [];
  /** Jobs holding one of this replica's MAX_CONCURRENT_JOBS slots (launching or with a live Pod). */
  private readonly slots = new Set<string>();
  private readonly queue: JobRef[] = [];
  /** One operation per job at a time in this replica; a request that arrives meanwhile runs after it. */
  private readonly busy = new Map<string, (() => Promise<void>) | null>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly templates = new Map<Language, { template: V1PodTemplate; at: number }>();
  /** Buckets whose records were all final at this last sequence: skipped until they change. */
  private readonly quietBuckets = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private watch?: { abort(): void };
  private reconciling?: Promise<void>;
  private stopping = false;

  constructor(private readonly deps: MiddlewareDeps) {
    this.cfg = deps.config;
    this.now = deps.now ?? Date.now;
  }

  get draining(): boolean {
    return this.stopping;
  }

  /** Jobs this replica is running now (for tests and logs). */
  get activeJobs(): number {
    return this.slots.size;
  }

  async start(): Promise<void> {
    for (const lang of LANGUAGES) {
      this.subs.push(
        this.deps.nc.subscribe(jobSubject(lang), {
          queue: MIDDLEWARE_QUEUE_GROUP,
          callback: (err, msg) => (err ? this.logError("subscription error", err) : this.track(this.intake(msg, lang))),
        }),
      );
    }
    await this.reconcile();
    void this.startWatch();
    this.timer = setInterval(() => void this.reconcile(), this.cfg.reconcileIntervalMs);
    this.info("middleware started", { replica: this.cfg.replicaName, maxConcurrentJobs: this.cfg.maxConcurrentJobs });
  }

  /** Stops taking requests and starting jobs; running Pods are left for reconciliation (by this replica's successor or a peer). */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    this.watch?.abort();
    await Promise.allSettled(this.subs.map((s) => s.drain()));
    const settle = Promise.allSettled([...this.inflight, this.reconciling ?? Promise.resolve()]);
    await Promise.race([settle, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.info("middleware stopped", { leftRunning: this.slots.size });
  }

  // ------------------------------------------------------------------------------------------ intake

  private async intake(msg: Msg, language: Language): Promise<void> {
    const reply = (r: JobReply) => {
      if (msg.reply) msg.respond(Buffer.from(JSON.stringify(r)));
    };
    const checked = checkRequest(msg.data, language);
    const now = new Date(this.now()).toISOString();
    if (!checked.ok) {
      const error = checked.problems.join("; ");
      if (checked.userId) {
        const record: JobRecord = {
          id: newJobId(this.now()),
          userId: checked.userId,
          email: checked.email ?? "",
          language,
          status: "rejected",
          files: fileSummaries(msg.data),
          submittedAt: now,
          finishedAt: now,
          error,
        };
        try {
          await this.deps.store.create(record);
          this.info("job rejected", { job: record.id, user: record.userId, language, problems: checked.problems.length });
          reply({ ok: false, error, problems: checked.problems });
          return;
        } catch (err) {
          this.logError("could not store a rejected job", err, { user: checked.userId });
        }
      }
      reply({ ok: false, error, problems: checked.problems });
      return;
    }
    const req = checked.request;
    const record: JobRecord = {
      id: newJobId(this.now()),
      userId: req.userId,
      email: req.email,
      language,
      status: "Pendiente",
      files: req.files.map((f) => ({ name: f.name, size: Buffer.byteLength(f.content) })),
      submittedAt: now,
    };
    try {
      await this.deps.store.create(record, encodeSource(req.files));
    } catch (err) {
      this.logError("could not store a job", err, { user: req.userId });
      reply({ ok: false, error: "the job could not be stored; try again" });
      return;
    }
    reply({ ok: true, id: record.id });
    this.info("job accepted", { job: record.id, user: record.userId, language, fileCount: record.files.length });
    this.enqueue({ userId: record.userId, id: record.id });
    this.pump();
  }

  // ------------------------------------------------------------------------------------------ launch

  private enqueue(ref: JobRef): void {
    if (this.stopping || this.slots.has(ref.id) || this.queue.some((q) => q.id === ref.id)) return;
    this.queue.push(ref);
  }

  private pump(): void {
    while (!this.stopping && this.queue.length && this.slots.size < this.cfg.maxConcurrentJobs) {
      const ref = this.queue.shift()!;
      this.slots.add(ref.id);
      this.exclusive(ref.id, () => this.launch(ref));
    }
  }

  private release(id: string): void {
    if (this.slots.delete(id)) this.pump();
  }

  private leaseLive(lease: JobLease | undefined): lease is JobLease {
    return !!lease && this.now() - Date.parse(lease.at) < this.cfg.leaseMs;
  }

  private lease(phase: JobLease["phase"]): JobLease {
    return { replica: this.cfg.replicaName, phase, at: new Date(this.now()).toISOString() };
  }

  /** Runs with a slot reserved for the job; keeps it only when a Pod was started. */
  private async launch(ref: JobRef): Promise<void> {
    let keep = false;
    try {
      const v = await this.deps.store.get(ref.userId, ref.id);
      if (!v || v.record.status !== "Pendiente" || this.stopping) return;
      if (this.leaseLive(v.record.lease) && v.record.lease.replica !== this.cfg.replicaName) return;
      const leaseAt = this.now();
      let cur = await this.deps.store.update({ ...v.record, lease: this.lease("launch"), attempts: (v.record.attempts ?? 0) + 1 }, v.revision);
      const source = await this.deps.store.source(ref.userId, ref.id);
      if (source === undefined) {
        await this.finish(cur, { status: "failed", error: "the job's source is missing from its bucket" });
        return;
      }
      let template: V1PodTemplate;
      try {
        template = await this.template(cur.record.language);
      } catch (err) {
        const f = apiFailure(err);
        if (f.code === 404 || f.code === 403) {
          await this.finish(cur, { status: "failed", error: `the executor PodTemplate for ${cur.record.language} cannot be read: ${f.message}` });
          return;
        }
        throw err;
      }
      // Create only well within the lease: after leaseMs another replica may take the job over.
      if (this.now() - leaseAt > this.cfg.leaseMs / 2) {
        await this.deps.store.update({ ...withoutLease(cur.record), attempts: v.record.attempts }, cur.revision);
        this.retryLater(ref, 0);
        return;
      }
      const pod = executorPod(template, { id: ref.id, userId: ref.userId, language: cur.record.language, encodedSource: source }, this.cfg.executorNamespace);
      let created: "created" | "exists";
      try {
        created = await this.deps.kube.createPod(pod);
      } catch (err) {
        if (err instanceof QuotaExceeded) {
          // Not the job's fault: give the launch back and try again when a Pod slot frees up.
          await this.deps.store.update({ ...withoutLease(cur.record), attempts: v.record.attempts }, cur.revision);
          this.warn("executor quota full; the job waits", { job: ref.id });
          this.retryLater(ref, this.cfg.quotaRetryMs);
          return;
        }
        const f = apiFailure(err);
        if (f.code !== undefined && f.code >= 400 && f.code < 500 && f.code !== 408 && f.code !== 429) {
          await this.finish(cur, {
            status: "failed",
            error: `the executor Pod was refused by the API server (${f.code}${f.reason ? ` ${f.reason}` : ""}): ${f.message}`,
          });
          return;
        }
        throw err;
      }
      cur = await this.deps.store.update({ ...withoutLease(cur.record), status: "running", startedAt: new Date(this.now()).toISOString() }, cur.revision);
      keep = true;
      this.info(created === "created" ? "job started" : "job's Pod already existed; adopted", {
        job: ref.id,
        user: ref.userId,
        language: cur.record.language,
        attempt: cur.record.attempts,
      });
    } catch (err) {
      if (err instanceof Conflict) this.debug("launch lost a race", { job: ref.id });
      else {
        this.logError("launch failed; will retry", err, { job: ref.id });
        this.retryLater(ref, this.cfg.quotaRetryMs);
      }
    } finally {
      if (!keep) this.release(ref.id);
    }
  }

  private retryLater(ref: JobRef, ms: number): void {
    if (this.stopping) return;
    setTimeout(() => {
      this.enqueue(ref);
      this.pump();
    }, ms).unref();
  }

  private async template(language: Language): Promise<V1PodTemplate> {
    const cached = this.templates.get(language);
    if (cached && this.now() - cached.at < TEMPLATE_TTL_MS) return cached.template;
    const template = await this.deps.kube.readTemplate(this.cfg.podTemplates[language]);
    this.templates.set(language, { template, at: this.now() });
    return template;
  }

  // ------------------------------------------------------------------------------------------ collect

  private jobOf(pod: V1Pod): JobRef | undefined {
    const labels = pod.metadata?.labels ?? {};
    const id = labels[EXECUTOR_LABELS.job];
    const userId = labels[EXECUTOR_LABELS.user];
    return isJobId(id) && isUserId(userId) && pod.metadata?.name === executorPodName(id) ? { id, userId } : undefined;
  }

  private async collectPod(pod: V1Pod): Promise<void> {
    const ref = this.jobOf(pod);
    const name = pod.metadata?.name ?? "";
    if (!ref) {
      this.warn("executor Pod without valid job labels left alone", { pod: name });
      return;
    }
    const v = await this.deps.store.get(ref.userId, ref.id);
    if (!v) {
      this.warn("executor Pod has no job record; deleting it", { pod: name, job: ref.id });
      await this.deps.kube.deletePod(name);
      return;
    }
    if (isFinal(v.record.status)) {
      await this.deps.kube.deletePod(name);
      this.release(ref.id);
      return;
    }
    if (this.leaseLive(v.record.lease) && v.record.lease.replica !== this.cfg.replicaName) return;
    const cur = await this.deps.store.update({ ...v.record, lease: this.lease("collect") }, v.revision);
    let log: string | { error: string };
    try {
      log = await this.deps.kube.readLog(name, REPORT_CONTAINER, MAX_FRAME_BYTES + 1);
    } catch (err) {
      const f = apiFailure(err);
      // 4xx: the container never ran or its log is gone; anything else is worth another try.
      if (f.code === undefined || f.code >= 500 || f.code === 429) throw err;
      log = { error: `the report log could not be read (${f.code}): ${f.message}` };
    }
    const finishedAt = podFinishedAt(pod, new Date(this.now()).toISOString());
    const c = collect({ record: cur.record, pod, log, finishedAt });
    if (c.zip) await this.deps.store.putZip(ref.userId, outputZipName(ref.id), c.zip);
    await this.finish(cur, { status: c.state.status, error: c.state.error, result: c.result, finishedAt });
    await this.deps.kube.deletePod(name);
    this.release(ref.id);
  }

  /** Writes the final record (CAS). */
  private async finish(cur: Versioned, final: Pick<JobRecord, "status" | "error" | "result" | "finishedAt">): Promise<void> {
    const record: JobRecord = {
      ...withoutLease(cur.record),
      status: final.status,
      finishedAt: final.finishedAt ?? new Date(this.now()).toISOString(),
      ...(final.result ? { result: final.result } : {}),
      ...(final.error ? { error: final.error } : {}),
    };
    await this.deps.store.update(record, cur.revision);
    this.info("job finished", { job: record.id, user: record.userId, status: record.status, limit: record.result?.limit, zipBytes: record.result?.zip?.size });
  }

  // ------------------------------------------------------------------------------------------ reconcile

  /** Pods the watch or the reconciler found done are collected; a Pod still running is adopted. */
  private onPod(pod: V1Pod): void {
    const ref = this.jobOf(pod);
    if (!ref || this.stopping) return;
    if (podIsDone(pod)) this.exclusive(ref.id, () => this.collectPod(pod).catch((err) => this.collectFailed(ref, err)));
  }

  private collectFailed(ref: JobRef, err: unknown): void {
    if (err instanceof Conflict) this.debug("collection lost a race", { job: ref.id });
    else this.logError("collection failed; reconciliation will retry", err, { job: ref.id });
  }

  /** A live Pod whose record still says Pendiente (its launcher died before recording it): mark it running. */
  private async adopt(pod: V1Pod): Promise<void> {
    const ref = this.jobOf(pod);
    if (!ref) return;
    const v = await this.deps.store.get(ref.userId, ref.id);
    if (!v) return;
    if (v.record.status !== "Pendiente") {
      if (isFinal(v.record.status)) await this.deps.kube.deletePod(pod.metadata!.name!);
      return;
    }
    if (this.leaseLive(v.record.lease)) return;
    await this.deps.store.update({ ...withoutLease(v.record), status: "running", startedAt: new Date(this.now()).toISOString() }, v.revision);
    this.info("adopted a running executor Pod", { job: ref.id });
  }

  /** Runs one pass over every executor Pod and every non-final job. Safe to call at any time. */
  reconcile(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (!this.reconciling) {
      this.reconciling = this.reconcileOnce()
        .catch((err) => this.logError("reconciliation failed", err))
        .finally(() => (this.reconciling = undefined));
    }
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const { items } = await this.deps.kube.listPods(executorSelector());
    const pods = new Map<string, V1Pod>();
    for (const pod of items) {
      const ref = this.jobOf(pod);
      if (!ref) continue;
      pods.set(ref.id, pod);
      if (podIsDone(pod)) this.onPod(pod);
      else this.exclusive(ref.id, () => this.adopt(pod).catch((err) => this.collectFailed(ref, err)));
    }
    for (const bucket of await this.deps.store.buckets()) {
      if (this.stopping) return;
      if (this.quietBuckets.get(bucket.userId) === bucket.lastSeq) continue;
      let quiet = true;
      for (const v of await this.deps.store.records(bucket.userId)) {
        const r = v.record;
        if (isFinal(r.status) || !isLanguage(r.language)) continue;
        quiet = false;
        if (pods.has(r.id) || this.busy.has(r.id)) continue;
        if (r.status === "Pendiente") {
          if (!this.leaseLive(r.lease) || r.lease.replica === this.cfg.replicaName) this.enqueue({ userId: r.userId, id: r.id });
        } else if (!this.leaseLive(r.lease) || r.lease.replica === this.cfg.replicaName) {
          this.exclusive(r.id, () => this.checkRunning(v).catch((err) => this.collectFailed({ userId: r.userId, id: r.id }, err)));
        }
      }
      if (quiet) this.quietBuckets.set(bucket.userId, bucket.lastSeq);
      else this.quietBuckets.delete(bucket.userId);
    }
    this.pump();
  }

  /** A running job the Pod listing did not show: collect it if its Pod is there after all, else it was lost. */
  private async checkRunning(v: Versioned): Promise<void> {
    const pod = await this.deps.kube.getPod(executorPodName(v.record.id));
    if (pod) {
      if (podIsDone(pod)) await this.collectPod(pod);
      return;
    }
    // Running means the Pod was created, and Pods are deleted only after the final record: it was
    // deleted by someone else or lost with its node. Failing (not relaunching) keeps "never run twice".
    await this.finish(v, {
      status: "failed",
      error: "the executor Pod disappeared before reporting a result (deleted, or lost with its node); submit the job again",
    });
    this.release(v.record.id);
  }

  private async startWatch(): Promise<void> {
    if (this.stopping) return;
    try {
      const { items, resourceVersion } = await this.deps.kube.listPods(executorSelector());
      for (const pod of items) this.onPod(pod);
      this.watch = await this.deps.kube.watchPods(
        executorSelector(),
        resourceVersion,
        (type, pod) => {
          if (type === "ADDED" || type === "MODIFIED") this.onPod(pod);
        },
        (err) => {
          if (this.stopping) return;
          if (err) this.debug("pod watch ended; restarting", { reason: apiFailure(err).message });
          setTimeout(() => void this.startWatch(), 1000).unref();
        },
      );
    } catch (err) {
      this.logError("pod watch failed; restarting", err);
      setTimeout(() => void this.startWatch(), 2000).unref();
    }
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private exclusive(id: string, fn: () => Promise<void>): void {
    if (this.busy.has(id)) {
      this.busy.set(id, fn);
      return;
    }
    this.busy.set(id, null);
    const run = async (f: () => Promise<void>): Promise<void> => {
      try {
        await f();
      } catch (err) {
        this.logError("job operation failed", err, { job: id });
      }
      const next = this.busy.get(id);
      if (next && !this.stopping) {
        this.busy.set(id, null);
        return run(next);
      }
      this.busy.delete(id);
    };
    this.track(run(fn));
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private info(msg: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
    this.deps.log.log("info", msg, fields);
  }

  private warn(msg: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
    this.deps.log.log("warn", msg, fields);
  }

  private debug(msg: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
    this.deps.log.log("debug", msg, fields);
  }

  private logError(msg: string, err: unknown, fields: Record<string, string | number | boolean | undefined> = {}): void {
    const f = apiFailure(err);
    this.deps.log.log("error", msg, { ...fields, error: f.message, code: f.code });
  }
}
