/**
 * The middleware under test, wired as in the cluster: a real nats-server with the synthesized
 * nats.conf, the fake Kubernetes API with the synthesized Role, PodTemplates, quota and namespace
 * labels, and replicas configured from the synthesized Deployment's env (only the NATS URL, the
 * password and the pod name are filled in, as the kubelet would). A job's source chooses what its
 * scripted Pod does: a line `// scenario: <name>` picks one of SCENARIOS.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { connect, type NatsConnection } from "nats";
import { inboxPrefix } from "../../service/contract/env";
import { SOURCE_ANNOTATION } from "../../service/contract/executor";
import type { JobRecord, JobReply } from "../../service/contract/job";
import { jobSubject, type Language } from "../../service/contract/languages";
import type { SourceFile } from "../../service/contract/source";
import { isFinal } from "../../service/contract/status";
import { jobsBucket, outputsBucket } from "../../service/contract/user";
import { JS_OPTIONS as FRONTEND_JS } from "../../service/frontend/lib/jobs";
import { loadConfig, type MiddlewareConfig } from "../../service/middleware/config";
import { kubeApi } from "../../service/middleware/kube";
import { jsonLogger } from "../../service/middleware/log";
import { Middleware } from "../../service/middleware/service";
import { JobStore } from "../../service/middleware/store";
import { FakeKubeApi } from "../support/fake-kube/server";
import { type PodScript, scriptedRunner } from "../support/fake-kube/scripted";
import { type RunningNats, startNatsServer, testPassword } from "../support/nats-server";
import { resultFrame, summary } from "../support/result-frame";
import { environment, find, type K8sObject, synthFaas } from "../faas/fixtures";

const SCENARIOS: Record<string, (lang: Language) => PodScript> = {
  ok: (language) => ({
    end: {
      kind: "report",
      log: resultFrame({ summary: summary({ language, outcome: "ok" }), stdout: `hello from ${language}\n`, outputs: { "result.txt": "42\n" } }),
    },
  }),
  "compile-error": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({
        summary: summary({ language, outcome: "compile-error", phase: "compile", compile: { exitCode: 1, signal: null, durationMs: 300 }, run: undefined }),
        compileLog: "main.c:1: error: expected ';'\n",
      }),
    },
  }),
  segfault: (language) => ({
    end: {
      kind: "report",
      log: resultFrame({
        summary: summary({ language, outcome: "runtime-error", run: { exitCode: null, signal: "SIGSEGV", durationMs: 5 } }),
        stderr: "Segmentation fault\n",
      }),
    },
  }),
  "run-timeout": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({ summary: summary({ language, outcome: "time-limit", run: { exitCode: null, signal: "SIGKILL", durationMs: 10000 } }) }),
    },
  }),
  "compile-timeout": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({
        summary: summary({
          language,
          outcome: "time-limit",
          phase: "compile",
          compile: { exitCode: null, signal: "SIGKILL", durationMs: 30000 },
          run: undefined,
        }),
      }),
    },
  }),
  "memory-hog": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({
        summary: summary({ language, outcome: "memory-limit", run: { exitCode: null, signal: "SIGKILL", durationMs: 80, maxMemoryBytes: 268435456 } }),
      }),
    },
  }),
  "fork-bomb": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({ summary: summary({ language, outcome: "process-limit", run: { exitCode: null, signal: "SIGKILL", durationMs: 40 } }) }),
    },
  }),
  "output-flood": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({
        summary: summary({ language, outcome: "output-limit", truncated: { stdout: true, stderr: false, compileLog: false, output: false } }),
        stdout: "y\n".repeat(50_000),
      }),
    },
  }),
  "runner-internal": (language) => ({
    end: { kind: "report", log: resultFrame({ summary: summary({ language, outcome: "internal-error", message: "could not create /results/meta" }) }) },
  }),
  "kernel-oom": () => ({ end: { kind: "oom" } }),
  deadline: () => ({ end: { kind: "deadline", started: true } }),
  "image-pull": () => ({ end: { kind: "deadline", started: false, waiting: "ImagePullBackOff" } }),
  "bad-image": () => ({ end: { kind: "waiting", reason: "InvalidImageName" } }),
  "evicted-disk": () => ({ end: { kind: "evicted", message: 'Usage of EmptyDir volume "tmp" exceeds the limit "256Mi".' } }),
  "evicted-node": () => ({ end: { kind: "evicted", message: "The node was low on resource: memory." } }),
  "garbage-frame": () => ({
    end: {
      kind: "report",
      log: "---BEGIN CLUSTERKIT RESULT v1---\nnot base64 at all!\n---END CLUSTERKIT RESULT v1 sha256=" + "0".repeat(64) + " bytes=3---\n",
    },
  }),
  "no-frame": () => ({ end: { kind: "report", log: "" } }),
  "forged-twice": (language) => ({
    end: {
      kind: "report",
      log: resultFrame({ summary: summary({ language, outcome: "ok" }) }) + resultFrame({ summary: summary({ language, outcome: "ok" }) }),
    },
  }),
};

/** Holds: a scenario `hold:<key>` keeps its Pod running until release(key). */
const holds = new Map<string, { promise: Promise<void>; release: () => void }>();
export function hold(key: string): void {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  holds.set(key, { promise, release });
}
export function release(key: string): void {
  holds.get(key)?.release();
}

export function scriptFor(pod: V1Pod): PodScript {
  const source = JSON.parse(pod.metadata?.annotations?.[SOURCE_ANNOTATION] ?? "{}") as { files?: SourceFile[] };
  const language = (pod.metadata?.labels?.["faas.clusterkit.io/language"] ?? "go") as Language;
  const text = (source.files ?? []).map((f) => f.content).join("\n");
  const name = /\/\/ scenario: ([\w-]+)/.exec(text)?.[1] ?? "ok";
  const holdKey = /\/\/ hold: ([\w-]+)/.exec(text)?.[1];
  const make = SCENARIOS[name];
  if (!make) throw new Error(`no scenario ${name}`);
  const s = make(language);
  return holdKey ? { ...s, hold: holds.get(holdKey)?.promise } : s;
}

export const SOURCES: Record<Language, (body?: string) => SourceFile[]> = {
  go: (body = "") => [{ name: "main.go", content: `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n${body}\n` }],
  javascript: (body = "") => [{ name: "main.js", content: `console.log("hello");\n${body}\n` }],
  c: (body = "") => [{ name: "main.c", content: `#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n${body}\n` }],
};

export interface Harness {
  readonly nats: RunningNats;
  readonly api: FakeKubeApi;
  readonly objects: K8sObject[];
  readonly passwords: { frontend: string; middleware: string };
  readonly executorNamespace: string;
  readonly logs: string[];
  /** The frontend's NATS connection (its own user and inbox; JetStream opened with the frontend's JS_OPTIONS: it may not ask for account info). */
  readonly fe: NatsConnection;
  config(podName: string, extra?: Record<string, string>): MiddlewareConfig;
  /** Env for a middleware process, as the chart sets it plus what the kubelet fills in. */
  processEnv(podName: string, extra?: Record<string, string>): Record<string, string>;
  replica(podName: string, extra?: Record<string, string>): Promise<Middleware>;
  submit(userId: string, language: Language, files: readonly SourceFile[], email?: string): Promise<JobReply>;
  raw(language: Language, body: Uint8Array): Promise<JobReply>;
  record(userId: string, id: string): Promise<JobRecord | undefined>;
  waitFor(userId: string, id: string, done: (r: JobRecord) => boolean, timeoutMs?: number): Promise<JobRecord>;
  zip(userId: string, name: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startHarness(overrides: Record<string, unknown> = {}): Promise<Harness> {
  const env = environment("local", overrides);
  const objects = synthFaas(env).all;
  const ns = env.config.faas.namespace;
  const conf: string = find(objects, "ConfigMap", "nats-config", ns).data["nats.conf"];
  const passwords = { frontend: testPassword(), middleware: testPassword() };
  const nats = await startNatsServer(conf, { NATS_FRONTEND_PASSWORD: passwords.frontend, NATS_MIDDLEWARE_PASSWORD: passwords.middleware });
  const api = await FakeKubeApi.start({ objects, runner: scriptedRunner(scriptFor) });
  const deploymentEnv = find(objects, "Deployment", "middleware", ns).spec.template.spec.containers[0].env as {
    name: string;
    value?: string;
    valueFrom?: Record<string, unknown>;
  }[];
  const logs: string[] = [];
  const conns: NatsConnection[] = [];
  const replicas: Middleware[] = [];
  const fe = await connect({ servers: nats.url, user: "frontend", pass: passwords.frontend, inboxPrefix: inboxPrefix("frontend") });
  conns.push(fe);

  const recordOf = async (userId: string, id: string): Promise<JobRecord | undefined> => {
    try {
      const kv = await fe.jetstream(FRONTEND_JS).views.kv(jobsBucket(userId), { bindOnly: true });
      const e = await kv.get(id);
      return e && e.value.length ? (JSON.parse(e.string()) as JobRecord) : undefined;
    } catch {
      return undefined;
    }
  };
  const processEnv = (podName: string, extra: Record<string, string> = {}): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const e of deploymentEnv) {
      if (e.value !== undefined) out[e.name] = e.value;
      else if (e.valueFrom?.secretKeyRef) out[e.name] = passwords.middleware;
      else if (e.valueFrom?.fieldRef) out[e.name] = podName;
    }
    // Reached from this machine, not through cluster DNS; one server, so R1 buckets; test-speed reconciliation.
    return { ...out, NATS_URL: nats.url, NATS_BUCKET_REPLICAS: "1", RECONCILE_INTERVAL_MS: "200", QUOTA_RETRY_MS: "100", LEASE_MS: "1000", ...extra };
  };
  const config = (podName: string, extra?: Record<string, string>) => loadConfig(processEnv(podName, extra));

  return {
    nats,
    api,
    objects,
    passwords,
    executorNamespace: env.config.faas.executorNamespace,
    logs,
    fe,
    config,
    processEnv,
    async replica(podName, extra) {
      const cfg = config(podName, extra);
      const nc = await connect({ servers: nats.url, user: cfg.nats.user, pass: cfg.nats.password, inboxPrefix: cfg.nats.inboxPrefix, name: podName });
      conns.push(nc);
      const store = new JobStore(nc.jetstream(), await nc.jetstreamManager(), cfg.nats.bucketReplicas);
      const m = new Middleware({
        config: cfg,
        nc,
        store,
        kube: kubeApi(api.kubeConfig(), cfg.executorNamespace),
        log: jsonLogger((l) => void logs.push(l), { replica: podName }),
      });
      await m.start();
      await nc.flush();
      replicas.push(m);
      return m;
    },
    async submit(userId, language, files, email = "user@example.org") {
      const msg = await fe.request(jobSubject(language), Buffer.from(JSON.stringify({ userId, email, language, files })), { timeout: 5000 });
      return JSON.parse(msg.string()) as JobReply;
    },
    async raw(language, body) {
      return JSON.parse((await fe.request(jobSubject(language), body, { timeout: 5000 })).string()) as JobReply;
    },
    async record(userId, id) {
      return recordOf(userId, id);
    },
    async waitFor(userId, id, done, timeoutMs = 10_000) {
      return until(
        `job ${id}`,
        async () => {
          const r = await recordOf(userId, id);
          return r && done(r) ? r : undefined;
        },
        timeoutMs,
      );
    },
    async zip(userId, name) {
      const os = await fe.jetstream(FRONTEND_JS).views.os(outputsBucket(userId));
      const r = await os.get(name);
      if (!r) throw new Error(`no object ${name}`);
      const chunks: Uint8Array[] = [];
      for await (const c of r.data) chunks.push(c);
      return Buffer.concat(chunks);
    },
    async stop() {
      await Promise.allSettled(replicas.map((m) => m.stop(2000)));
      await Promise.allSettled(conns.map((c) => c.close()));
      await api.stop();
      await nats.stop();
    },
  };
}

export const finalOf = (r: JobRecord) => isFinal(r.status);

/** Runs the bundled middleware (build/middleware/main.js) as its own process, as in the image. */
export function middlewareProcess(h: Harness, podName: string, extra: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const dir = mkdtempSync(join(tmpdir(), "clusterkit-mw-"));
  const kubeconfig = join(dir, "kubeconfig.json");
  writeFileSync(kubeconfig, h.api.kubeConfig().exportConfig());
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "build", "middleware", "main.js")], {
    env: { PATH: process.env.PATH ?? "", KUBECONFIG: kubeconfig, ...h.processEnv(podName, extra) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}
