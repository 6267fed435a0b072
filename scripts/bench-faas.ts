/**
 * `npm run bench:faas`: what the code-execution service costs on this machine. For each language
 * under runc and under gVisor (runsc, when installed): the time from publishing a hello-world job
 * on `cola.<lang>` to its final record (median and p95), the same program compiled and run bare in
 * one container of the same image with the same CPU and memory limits, and jobs per minute with N
 * concurrent submitters. The service
 * is the real one — nats-server with the chart's nats.conf, the bundled middleware, the chart's
 * PodTemplates through the fake Kubernetes API — and every executor Pod runs for real with podman.
 * Prints a table (ratios service/bare and gVisor/runc) and writes dist/bench/faas.json.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { connect, type NatsConnection } from "nats";
import { inboxPrefix } from "../service/contract/env";
import type { JobRecord, JobReply } from "../service/contract/job";
import { jobSubject, LANGUAGES, type Language } from "../service/contract/languages";
import { isFinal } from "../service/contract/status";
import { jobsBucket, userIdFromEmail } from "../service/contract/user";
import { JS_OPTIONS as FRONTEND_JS } from "../service/frontend/lib/jobs";
import { chartNats } from "../test/e2e/support/chart-nats";
import { ensureMiddlewareBuilt, middlewareProcess } from "../test/e2e/support/middleware-process";
import { executorImages, executorImagesSkipReason } from "../test/support/executor-images";
import { containerSkipReason, podmanEnv, runtimeArgs, type Runtime } from "../test/support/podman-env";
import { podmanPodRunner } from "../test/support/podman-pod-runner";
import { startNatsServer } from "../test/support/nats-server";
import { missingTools } from "../test/support/tools";
import { testEnvironment } from "../test/support/synth-charts";
import { executorMemory } from "../charts/faas/executors";
import { quantityMillicores } from "../charts/shared/quantity";
import { HELLO_SOURCES, bareCommand } from "./bench-faas-programs";

const ROOT = resolve(__dirname, "..");
const RUNTIMES: readonly Runtime[] = ["runc", "runsc"];
const RUNTIME_LABEL: Record<Runtime, string> = { runc: "runc", runsc: "gVisor" };

interface Options {
  runs: number;
  concurrency: number;
  throughputJobs: number;
  languages: Language[];
  json: string;
}

const USAGE = `usage: npm run bench:faas [-- options]

Times hello-world jobs through the real service (nats-server, middleware, fake Kubernetes API,
executor Pods run by podman) and bare in a container, under runc and gVisor (runsc).

options:
  --runs N             timed jobs per language and runtime (default 5; p95 needs ~20)
  --concurrency N      concurrent submitters for the throughput figure (default 4)
  --throughput-jobs N  jobs submitted for the throughput figure, 0 to skip (default 12)
  --languages L,...    subset of ${LANGUAGES.join(",")} (default all)
  --json FILE          where the results go (default dist/bench/faas.json)
  --help               this text

example: npm run bench:faas -- --runs 20 --languages c,go`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { runs: 5, concurrency: 4, throughputJobs: 12, languages: [...LANGUAGES], json: join(ROOT, "dist", "bench", "faas.json") };
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) fail(`${flag} must be a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a === "--runs") o.runs = int(a, argv[++i], 1, 200);
    else if (a === "--concurrency") o.concurrency = int(a, argv[++i], 1, 32);
    else if (a === "--throughput-jobs") o.throughputJobs = int(a, argv[++i], 0, 500);
    else if (a === "--languages") {
      const langs = (argv[++i] ?? "").split(",").filter(Boolean);
      const bad = langs.filter((l) => !(LANGUAGES as readonly string[]).includes(l));
      if (langs.length === 0 || bad.length)
        fail(`--languages takes a comma-separated subset of ${LANGUAGES.join(", ")}${bad.length ? ` (unknown: ${bad.join(", ")})` : ""}`);
      o.languages = langs as Language[];
    } else if (a === "--json") o.json = resolve(process.env.INIT_CWD ?? process.cwd(), argv[++i] ?? fail("--json needs a file"));
    else fail(`unknown argument ${JSON.stringify(a).slice(0, 60)}`);
  }
  return o;
}

function fail(message: string): never {
  process.stderr.write(`bench:faas: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

export interface Stats {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/** Median and nearest-rank 95th percentile. */
export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const mid = Math.floor(s.length / 2);
  return { n: s.length, medianMs: Math.round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2), p95Ms: Math.round(at(0.95)) };
}

/** CPU and memory of the executor's run container (the chart's), so bare and service runs get the same. */
function executorResources(): { cpus: string; memory: string } {
  const faas = testEnvironment("local").config.faas;
  return { cpus: String(quantityMillicores(faas.executors.cpuLimit) / 1000), memory: executorMemory(faas) };
}

/** The bare program: compile and run in one container of the executor image, no runner, no service. */
function timeBare(runtime: Runtime, image: string, language: Language): number {
  const dir = mkdtempSync(join(tmpdir(), "clusterkit-bench-bare-"));
  try {
    // The container runs as uid 1000: the folder and files must be readable by others.
    chmodSync(dir, 0o755);
    for (const f of HELLO_SOURCES[language]) writeFileSync(join(dir, f.name), f.content, { mode: 0o644 });
    const t0 = performance.now();
    const r = spawnSync(
      "podman",
      [
        ...runtimeArgs(runtime),
        "run",
        "--rm",
        "--cpus",
        executorResources().cpus,
        "--memory",
        executorResources().memory.replace(/i$/, ""),
        "--network",
        "none",
        "--read-only",
        "--tmpfs",
        "/tmp:rw,exec",
        "--user",
        "1000:1000",
        "-e",
        "HOME=/tmp",
        "-v",
        `${dir}:/src:ro`,
        "--entrypoint",
        "/bin/sh",
        image,
        "-c",
        bareCommand(language),
      ],
      { env: podmanEnv(), encoding: "utf8" },
    );
    const ms = performance.now() - t0;
    if (r.status !== 0 || !r.stdout.includes(`hello from ${language}`))
      throw new Error(`bare ${language} under ${runtime} failed (${r.status}):\n${r.stdout}${r.stderr}`);
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ServiceBench {
  submit(language: Language, user: string): Promise<number>;
  stop(): Promise<void>;
}

/** The service with executor Pods under `runtime`; submit() returns ms from publish to final record. */
async function startService(runtime: Runtime): Promise<ServiceBench> {
  const chart = chartNats();
  const nats = await startNatsServer(chart.text, chart.env);
  const runner = podmanPodRunner({ runtime });
  const middleware = await middlewareProcess({ runner })({ url: nats.url, user: "middleware", password: chart.passwords.middleware! });
  const fe: NatsConnection = await connect({ servers: nats.url, user: "frontend", pass: chart.passwords.frontend!, inboxPrefix: inboxPrefix("frontend") });
  return {
    async submit(language, user) {
      const userId = userIdFromEmail(user);
      const t0 = performance.now();
      const reply = JSON.parse(
        (
          await fe.request(jobSubject(language), JSON.stringify({ userId, email: user, language, files: HELLO_SOURCES[language] }), { timeout: 30_000 })
        ).string(),
      ) as JobReply;
      if (!reply.ok) throw new Error(`the middleware rejected a ${language} job: ${reply.error}`);
      // As the frontend reads: its NATS user may not ask for account info (nats.js's API check).
      const kv = await fe.jetstream(FRONTEND_JS).views.kv(jobsBucket(userId), { bindOnly: true });
      for (;;) {
        const e = await kv.get(reply.id);
        const record = e && e.value.length ? (JSON.parse(e.string()) as JobRecord) : undefined;
        if (record && isFinal(record.status)) {
          if (record.status !== "finished")
            throw new Error(`${language} job ${reply.id} under ${runtime} ended ${record.status}: ${record.error ?? record.result?.stderr ?? ""}`);
          return performance.now() - t0;
        }
        if (performance.now() - t0 > 5 * 60_000) throw new Error(`${language} job ${reply.id} under ${runtime} not final after 5 minutes`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      await fe.close();
      await middleware.stop();
      await Promise.allSettled(runner.runs);
      await nats.stop();
    },
  };
}

interface Row {
  runtime: Runtime;
  language: Language;
  service: Stats;
  bare: Stats;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const blocked = missingTools(["nats-server", "podman", "openssl"], "apt-get install nats-server podman openssl") ?? executorImagesSkipReason();
  if (blocked) fail(`cannot run here: ${blocked}`);
  const runtimes = RUNTIMES.filter((r) => {
    const why = containerSkipReason(r);
    if (why) process.stderr.write(`${RUNTIME_LABEL[r]}: not available here (${why})\n`);
    return !why;
  });
  process.stderr.write("building or loading the executor images and the middleware bundle...\n");
  const images = executorImages();
  ensureMiddlewareBuilt();
  const rows: Row[] = [];
  const throughput: { runtime: Runtime; concurrency: number; jobs: number; jobsPerMinute: number }[] = [];
  for (const runtime of runtimes) {
    const service = await startService(runtime);
    try {
      for (const language of o.languages) {
        process.stderr.write(`${RUNTIME_LABEL[runtime]} ${language}: warm-up, then ${o.runs} jobs through the service and ${o.runs} bare\n`);
        await service.submit(language, "bench-warmup@example.org");
        timeBare(runtime, images[language], language);
        const serviceMs: number[] = [];
        const bareMs: number[] = [];
        for (let i = 0; i < o.runs; i++) {
          serviceMs.push(await service.submit(language, "bench@example.org"));
          bareMs.push(timeBare(runtime, images[language], language));
        }
        rows.push({ runtime, language, service: stats(serviceMs), bare: stats(bareMs) });
      }
      if (o.throughputJobs > 0) {
        const language = o.languages.includes("c") ? "c" : o.languages[0]!;
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: o.concurrency }, async (_, w) => {
            while (next < o.throughputJobs) {
              next++;
              await service.submit(language, `bench-${w}@example.org`);
            }
          }),
        );
        const minutes = (performance.now() - t0) / 60_000;
        throughput.push({ runtime, concurrency: o.concurrency, jobs: o.throughputJobs, jobsPerMinute: Math.round((o.throughputJobs / minutes) * 10) / 10 });
      }
    } finally {
      await service.stop();
    }
  }
  report(rows, throughput, runtimes, o);
}

function report(
  rows: readonly Row[],
  throughput: readonly { runtime: Runtime; concurrency: number; jobs: number; jobsPerMinute: number }[],
  runtimes: readonly Runtime[],
  o: Options,
): void {
  const find = (r: Runtime, l: Language) => rows.find((x) => x.runtime === r && x.language === l);
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : "—");
  const lines = [
    "| language | runtime | service median | service p95 | bare median | service/bare | gVisor/runc (service) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const l of o.languages) {
    for (const r of RUNTIMES) {
      const row = find(r, l);
      if (!row) {
        lines.push(`| ${l} | ${RUNTIME_LABEL[r]} | not available here | | | | |`);
        continue;
      }
      const runc = find("runc", l);
      lines.push(
        `| ${l} | ${RUNTIME_LABEL[r]} | ${row.service.medianMs} ms | ${row.service.p95Ms} ms | ${row.bare.medianMs} ms | ${ratio(row.service.medianMs, row.bare.medianMs)} | ${r === "runsc" && runc ? ratio(row.service.medianMs, runc.service.medianMs) : ""} |`,
      );
    }
  }
  for (const t of throughput)
    lines.push("", `${RUNTIME_LABEL[t.runtime]}: ${t.jobsPerMinute} jobs/minute (${t.jobs} C jobs, ${t.concurrency} concurrent submitters)`);
  process.stdout.write(`${lines.join("\n")}\n`);
  mkdirSync(resolve(o.json, ".."), { recursive: true });
  writeFileSync(
    o.json,
    `${JSON.stringify({ machine: machine(), runs: o.runs, runtimes: RUNTIMES.map((r) => ({ runtime: r, available: runtimes.includes(r) })), rows, throughput }, null, 2)}\n`,
  );
  process.stdout.write(`results: ${o.json}\n`);
}

function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version };
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`bench:faas: ${err.message}\n`);
    process.exit(1);
  });
}
