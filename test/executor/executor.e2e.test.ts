/**
 * Real jobs in real containers: each case builds the executor Pod (test/executor/executor-pod.ts),
 * runs it with podman as a kubelet would (test/support/podman-pod.ts) under runc and under gVisor
 * (runsc, systrap), and asserts on what the middleware would see — the report container's log,
 * parsed by the contract's frame and tar readers. Programs: test/executor/programs.ts.
 *
 * Properties: each limit ends a job with its own outcome (an OOM kill is memory-limit, never a
 * timeout); 64 MiB of output still yields a frame under MAX_FRAME_BYTES; the job has no network;
 * a frame or summary the job forges, a signal it sends PID 1 and a process it leaves behind change
 * nothing in the result.
 */
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import { type ExecutorLimits, type ExecutorSummary, RESULT_FILES } from "../../service/contract/executor";
import { encodeFrame, MAX_FRAME_BYTES, parseFrame } from "../../service/contract/frame";
import type { Language } from "../../service/contract/languages";
import { readTar } from "../../service/contract/tar";
import type { ExecutorLimitsConfig } from "../../src/config/schema";
import { executorImages, executorImagesSkipReason } from "../support/executor-images";
import { containerSkipReason, type Runtime } from "../support/podman-env";
import { type PodRunResult, runPod } from "../support/podman-pod";
import { itIf } from "../support/requires";
import { jobPod, podLimits } from "./executor-pod";
import { C, FAKE_OUTCOME_MARKER, fill, GO, JS, type Program } from "./programs";

/**
 * The chart's limits, but 64 processes: gVisor starts processes slowly (about 20 a second from
 * Node.js), and the process-limit cases must trip well inside the run timeout.
 */
const LIMITS: Partial<ExecutorLimitsConfig> = { processes: 64 };
/** What the runner gets with LIMITS (read back from the synthesized template). */
const TEST_LIMITS: ExecutorLimits = podLimits(jobPod({ language: "c", files: [{ name: "main.c", content: "" }], runtime: "runc", limits: LIMITS }));
/** Two Pods at a time: each has half a CPU, and the machine two. */
const CONCURRENCY = 2;
const MIB = 1024 * 1024;

interface Job {
  readonly pod: PodRunResult;
  readonly frame?: string;
  readonly files: ReadonlyMap<string, Buffer>;
  readonly summary?: ExecutorSummary;
  readonly wallMs: number;
  text(name: string): string;
}

interface Case {
  readonly name: string;
  readonly language: Language;
  readonly program: Program;
  /** Overrides of `faas.executors.limits` (configuration units: seconds, quantities). */
  readonly limits?: Partial<ExecutorLimitsConfig>;
  /** Run container memory = budget + this, instead of the chart's headroom. */
  readonly headroom?: number;
  /** Runtimes the case applies to, when not all. @default both */
  readonly runtimes?: readonly Runtime[];
  /** Files as given, bypassing `fill` (for sources the middleware would refuse). */
  readonly rawFiles?: { name: string; content: string }[];
  readonly check: (job: Job, runtime: Runtime) => void;
}

const summaryOf = (job: Job): ExecutorSummary => {
  expect(job.summary).toBeDefined();
  return job.summary!;
};

function expectOutcome(job: Job, outcome: ExecutorSummary["outcome"], phase: ExecutorSummary["phase"]): ExecutorSummary {
  const s = summaryOf(job);
  expect({ outcome: s.outcome, phase: s.phase, message: s.message }).toEqual({ outcome, phase, message: s.message });
  expect(job.pod.phase).toBe("Succeeded");
  return s;
}

/** Killed by the runner for a limit before the run timeout could have ended it. */
function expectKilledEarly(s: ExecutorSummary): void {
  expect(s.run?.signal).toBe("SIGKILL");
  expect(s.run!.durationMs).toBeLessThan(s.limits.runTimeoutMs);
}

const LOOP_TIMEOUT_S = 2;
const LOOP_TIMEOUT_MS = LOOP_TIMEOUT_S * 1000;

const HELLO: Record<Language, string> = { c: "hello from C\n", go: "hello from Go\n", javascript: "hello from JavaScript\n" };
const COMPILE_ERROR: Record<Language, RegExp> = { c: /undefined_name/, go: /unused declared (and|but) not used/, javascript: /SyntaxError/ };

function languageCases(
  language: Language,
  p: Record<string, Program>,
  runtimeError: { program: Program; check: (s: ExecutorSummary, job: Job) => void },
): Case[] {
  return [
    {
      name: "hello world",
      language,
      program: p.hello!,
      check: (job) => {
        const s = expectOutcome(job, "ok", "run");
        expect(job.text(RESULT_FILES.stdout)).toBe(HELLO[language]);
        expect(job.text(RESULT_FILES.stderr)).toBe("to stderr\n");
        expect([s.compile?.exitCode, s.run?.exitCode, s.run?.signal]).toEqual([0, 0, null]);
        expect(s.truncated).toEqual({ stdout: false, stderr: false, compileLog: false, output: false });
        expect(s.limits).toEqual(TEST_LIMITS);
        expect(job.pod.initContainerStatuses.map((c) => [c.name, c.exitCode])).toEqual([["run", 0]]);
      },
    },
    {
      name: "compile error",
      language,
      program: p.compileError!,
      check: (job) => {
        const s = expectOutcome(job, "compile-error", "compile");
        expect(s.compile?.exitCode).not.toBe(0);
        expect(s.run).toBeUndefined();
        expect(job.text(RESULT_FILES.compileLog)).toMatch(COMPILE_ERROR[language]);
      },
    },
    { name: "runtime error", language, program: runtimeError.program, check: (job) => runtimeError.check(expectOutcome(job, "runtime-error", "run"), job) },
    {
      name: "infinite loop: time limit",
      language,
      program: p.loop!,
      limits: { runTimeoutSeconds: LOOP_TIMEOUT_S },
      check: (job) => {
        const s = expectOutcome(job, "time-limit", "run");
        expect(s.run?.signal).toBe("SIGKILL");
        expect(s.run!.durationMs).toBeGreaterThanOrEqual(LOOP_TIMEOUT_MS);
        expect(s.run!.durationMs).toBeLessThan(LOOP_TIMEOUT_MS + 1000);
      },
    },
    {
      name: "memory hog: memory limit, not a timeout",
      language,
      program: p.hog!,
      check: (job) => {
        const s = expectOutcome(job, "memory-limit", "run");
        expectKilledEarly(s);
        expect(s.run!.maxMemoryBytes).toBeGreaterThan(TEST_LIMITS.memoryBytes * 0.9);
      },
    },
    {
      name: "memory just under the budget is fine",
      language,
      program: fill(p.nearBudget!, { MIB: String(TEST_LIMITS.memoryBytes / MIB - (language === "javascript" ? 80 : 32)) }).reduce(
        (o, f) => ({ ...o, [f.name]: f.content }),
        {},
      ),
      check: (job) => {
        const s = expectOutcome(job, "ok", "run");
        expect(job.text(RESULT_FILES.stdout)).toMatch(/^touched /);
        expect(s.run!.maxMemoryBytes).toBeGreaterThan(TEST_LIMITS.memoryBytes / 2);
      },
    },
    {
      name: "fork bomb: process limit",
      language,
      program: p.forkBomb!,
      check: (job) => expectKilledEarly(expectOutcome(job, "process-limit", "run")),
    },
    {
      name: "64 MiB of output: output limit, frame under the cap",
      language,
      program: p.output!,
      check: (job) => {
        const s = expectOutcome(job, "output-limit", "run");
        expect(s.truncated.stdout).toBe(true);
        expect(job.files.get(RESULT_FILES.stdout)!.equals(Buffer.alloc(TEST_LIMITS.outputBytes, "x"))).toBe(true);
        expect(job.frame!.length).toBeLessThan(MAX_FRAME_BYTES);
        expectKilledEarly(s);
      },
    },
    {
      name: "no network",
      language,
      program: p.network!,
      check: (job) => {
        expectOutcome(job, "ok", "run");
        const out = job.text(RESULT_FILES.stdout);
        expect(out).toMatch(/^blocked: /m);
        const ifs = /^interfaces:(.*)$/m.exec(out)![1]!.trim().split(/\s+/).filter(Boolean);
        expect(ifs.filter((i) => i !== "lo")).toEqual([]);
      },
    },
    {
      name: "forged frame and summary, kill(1), a writer left behind: the result is the runner's",
      language,
      program: p.forge!,
      check: (job) => {
        const s = expectOutcome(job, "ok", "run");
        expect(s.version).toBe(1);
        expect(JSON.stringify(s)).not.toContain(FAKE_OUTCOME_MARKER);
        // The job's frame is in its stdout, where the middleware never looks for one.
        expect(job.text(RESULT_FILES.stdout)).toContain(FAKE_FRAME);
        expect(job.text(RESULT_FILES.stdout)).toMatch(/kill\(1\) = (-1|operation not permitted|EPERM)/);
        expect(s.run?.exitCode).toBe(0);
      },
    },
  ];
}

const FAKE_FRAME = encodeFrame(Buffer.from(`{"outcome":"ok","${FAKE_OUTCOME_MARKER}":true}`));

const CASES: Case[] = [
  ...languageCases("c", C, {
    program: C.segfault!,
    check: (s) => expect([s.run?.exitCode, s.run?.signal]).toEqual([null, "SIGSEGV"]),
  }),
  ...languageCases("go", GO, {
    program: GO.panic!,
    check: (s, job) => {
      expect(s.run?.exitCode).toBe(2);
      expect(job.text(RESULT_FILES.stderr)).toMatch(/panic: assignment to entry in nil map/);
    },
  }),
  ...languageCases("javascript", JS, {
    program: JS.throws!,
    check: (s, job) => {
      expect(s.run?.exitCode).toBe(1);
      expect(job.text(RESULT_FILES.stderr)).toMatch(/Error: boom/);
    },
  }),
  {
    name: "non-zero exit status",
    language: "c",
    program: C.exit3!,
    check: (job) => expect(expectOutcome(job, "runtime-error", "run").run?.exitCode).toBe(3),
  },
  {
    name: "a daemon the job leaves is dead before the summary is written",
    language: "c",
    program: C.background!,
    check: (job) => {
      expectOutcome(job, "ok", "run");
      expect([...job.files.keys()].filter((n) => n.startsWith(RESULT_FILES.outputPrefix))).toEqual([]);
      // Nor did it hold the job open (its copy of the stdout pipe would, until something killed it).
      expect(job.pod.initContainerStatuses[0]!.durationMs).toBeLessThan(TEST_LIMITS.runTimeoutMs);
    },
  },
  {
    name: "several files, a header, libm, and output files (a symlink among them is dropped)",
    language: "c",
    program: C.files!,
    check: (job) => {
      const s = expectOutcome(job, "ok", "run");
      expect(job.text(RESULT_FILES.stdout)).toBe("42 4 /results/output\n");
      expect(job.text("output/result.txt")).toBe("answer 42\n");
      expect([...job.files.get("output/sub/data.bin")!]).toEqual([0, 1, 2]);
      expect(job.files.has("output/passwd")).toBe(false);
      expect(s.truncated.output).toBe(true);
    },
  },
  {
    name: "a source breaking the rules is rejected by the runner itself",
    language: "c",
    program: {},
    rawFiles: [{ name: "../evil.c", content: "int main(void) { return 0; }" }],
    check: (job) => {
      const s = expectOutcome(job, "rejected", "compile");
      expect(s.message).toMatch(/^files\[0\]\.name: must be a plain file name/);
      expect([s.compile, s.run]).toEqual([undefined, undefined]);
    },
  },
  {
    // Under gVisor the sandbox is one process to the host: at its limit the host OOM killer ends
    // all of it, runner included, or gVisor fails the job's allocations. The headroom prevents both.
    name: "the kernel's OOM kill (container limit at the budget) is memory-limit too",
    language: "c",
    program: C.hog!,
    headroom: 0,
    runtimes: ["runc"],
    check: (job) => {
      expectKilledEarly(expectOutcome(job, "memory-limit", "run"));
      // As containerd reports it: an OOM kill happened in the container, which still exited 0.
      expect(job.pod.initContainerStatuses[0]).toMatchObject({ reason: "OOMKilled", exitCode: 0 });
    },
  },
  {
    name: "V8 heap growth is memory-limit, not V8's own abort",
    language: "javascript",
    program: JS.heapHog!,
    check: (job) => expectKilledEarly(expectOutcome(job, "memory-limit", "run")),
  },
  {
    name: "ES modules and a JSON file",
    language: "javascript",
    program: JS.modules!,
    check: (job) => expect(job.text(RESULT_FILES.stdout)).toBe("42\n"),
  },
];

/* ---- running ---------------------------------------------------------------------------------- */

let server: Server | undefined;
let connections = 0;
const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

async function runCase(c: Case, runtime: Runtime): Promise<Job> {
  const port = (server?.address() as { port: number } | null)?.port ?? 9;
  const files = c.rawFiles ?? fill(c.program, { FAKE_FRAME: JSON.stringify(FAKE_FRAME).slice(1, -1), HOST: hostAddress ?? "192.0.2.1", PORT: String(port) });
  const pod = jobPod({
    language: c.language,
    files,
    runtime,
    limits: { ...LIMITS, ...c.limits },
    ...(c.headroom === undefined ? {} : { memoryHeadroomBytes: c.headroom }),
  });
  const started = Date.now();
  // The template names the gvisor RuntimeClass when runtime is runsc; the pids limit stands in for podPidsLimit.
  const result = await runPod(pod, { pidsLimit: 1024 });
  expect(result.runtime).toBe(runtime);
  const wallMs = Date.now() - started;
  const files_ = new Map<string, Buffer>();
  let frame: string | undefined;
  let summary: ExecutorSummary | undefined;
  if (result.phase === "Succeeded") {
    frame = result.logs.report ?? "";
    for (const e of readTar(parseFrame(frame))) files_.set(e.name, e.data);
    const raw = files_.get(RESULT_FILES.summary);
    if (raw) summary = JSON.parse(raw.toString("utf8")) as ExecutorSummary;
  }
  return { pod: result, frame, files: files_, summary, wallMs, text: (name) => files_.get(name)?.toString("utf8") ?? "" };
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const imagesSkip = executorImagesSkipReason();
const timings: string[] = [];

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server!.listen(0, "0.0.0.0", resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (timings.length) console.log(`executor hello-world timings (pod wall / compile / run, ms):\n${timings.join("\n")}`);
});

for (const runtime of ["runc", "runsc"] as const) {
  describe(`executor jobs under ${runtime === "runc" ? "runc" : "gVisor (runsc, systrap)"}`, () => {
    const skip = imagesSkip ?? containerSkipReason(runtime);
    const jobs = new Map<string, Job | Error>();
    const key = (c: Case) => `${c.language}: ${c.name}`;

    // EXECUTOR_CASES=<regex> narrows the run while working on one case (e.g. "forged|daemon").
    const only = process.env.EXECUTOR_CASES ? new RegExp(process.env.EXECUTOR_CASES) : undefined;
    const cases = CASES.filter((c) => (!c.runtimes || c.runtimes.includes(runtime)) && (!only || only.test(key(c))));
    beforeAll(async () => {
      if (skip) return;
      executorImages();
      await pool(cases, CONCURRENCY, async (c) => {
        try {
          const job = await runCase(c, runtime);
          jobs.set(key(c), job);
          if (c.name === "hello world")
            timings.push(`${runtime} ${c.language}: ${job.wallMs} / ${job.summary?.compile?.durationMs} / ${job.summary?.run?.durationMs}`);
        } catch (e) {
          jobs.set(key(c), e as Error);
        }
      });
    }, 30 * 60_000);

    for (const c of cases) {
      itIf(skip, key(c), () => {
        const job = jobs.get(key(c));
        if (job instanceof Error) throw job;
        expect(job).toBeDefined();
        try {
          c.check(job!, runtime);
        } catch (e) {
          // The job's own view helps when an assertion fails.
          const s = job!.summary
            ? JSON.stringify(job!.summary)
            : `no summary; pod ${JSON.stringify(job!.pod.initContainerStatuses)} ${job!.pod.logs.run ?? ""}`;
          (e as Error).message +=
            `\nsummary: ${s}\nstdout: ${job!.text(RESULT_FILES.stdout).slice(0, 300)}\nstderr: ${job!.text(RESULT_FILES.stderr).slice(0, 300)}`;
          throw e;
        }
      });
    }
  });
}

describe("the network test's listener", () => {
  itIf(imagesSkip ?? containerSkipReason("runc"), "was reachable from the host and never reached from a job", async () => {
    expect(hostAddress).toBeDefined();
    const { connect } = await import("node:net");
    const before = connections;
    await new Promise<void>((resolve, reject) => {
      const s = connect((server!.address() as { port: number }).port, hostAddress!, () => s.end());
      s.on("close", () => resolve());
      s.on("error", reject);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(connections).toBe(before + 1);
    expect(before).toBe(0);
  });
});
