/**
 * The executor Pod: the contract between the chart's PodTemplates, the middleware that
 * instantiates them, and the runner inside the executor images.
 *
 * The untrusted code holds no credentials and has no network. The middleware puts the encoded
 * source (source.ts) in the pod annotation SOURCE_ANNOTATION; the downward API projects it as the
 * file SOURCE_FILE. The init container RUN_CONTAINER runs the trusted runner as PID 1: it compiles
 * and runs the job under the limits below, kills every leftover process, then writes its summary
 * and the captured streams under RESULTS_DIR/meta (recreated from scratch, so nothing the job left
 * there survives). The container REPORT_CONTAINER then runs the same runner in report mode: it
 * reads RESULTS_DIR without following links, caps every file, and prints ONE result frame
 * (frame.ts) on its own stdout, which the middleware reads through `pods/log` — a stream the job
 * cannot write to.
 */
import type { Language } from "./languages";

export const SOURCE_ANNOTATION = "faas.clusterkit.io/source";

/** Pod labels the middleware sets on every executor Pod (reconciliation finds Pods by them). */
export const EXECUTOR_LABELS = {
  job: "faas.clusterkit.io/job",
  user: "faas.clusterkit.io/user",
  language: "faas.clusterkit.io/language",
} as const;

export function executorPodName(jobId: string): string {
  return `job-${jobId}`;
}

export const RUN_CONTAINER = "run";
export const REPORT_CONTAINER = "report";

export const EXECUTOR_PATHS = {
  /** Downward-API volume mount; the source is `${jobDir}/source.json`. */
  jobDir: "/job",
  sourceFile: "/job/source.json",
  /** emptyDir: sources are unpacked and built here; the job's working directory. */
  workDir: "/work",
  /** emptyDir shared by the two containers. */
  resultsDir: "/results",
  /** Files the program writes here are returned in the zip (under output/). */
  outputDir: "/results/output",
  /** emptyDir for compilers' caches and the program's scratch (HOME=/tmp). */
  tmpDir: "/tmp",
  /** The runner binary in every executor image. */
  runner: "/usr/local/bin/faas-runner",
} as const;

/** Environment of the run container: the limits, set by the chart from config (trusted). */
export const LIMIT_ENV = {
  language: "FAAS_LANGUAGE",
  compileTimeoutMs: "FAAS_COMPILE_TIMEOUT_MS",
  runTimeoutMs: "FAAS_RUN_TIMEOUT_MS",
  /** The program's memory budget; the container limit adds the runner's headroom on top. */
  memoryBytes: "FAAS_MEMORY_LIMIT_BYTES",
  /** Cap on each of stdout and stderr, and on the output folder's total. */
  outputBytes: "FAAS_OUTPUT_LIMIT_BYTES",
  maxProcesses: "FAAS_MAX_PROCESSES",
} as const;

/** Environment the runner gives the user's program (the runner sets it; the chart does not). */
export const JOB_ENV = {
  /** The program writes files to return here (EXECUTOR_PATHS.outputDir); they come back under output/. */
  outputDir: "OUTPUT_DIR",
} as const;

/**
 * Caps the runner applies so the result frame always fits (frame.ts MAX_FRAME_BYTES): the ustar
 * payload stays under MAX_RESULT_PAYLOAD_BYTES, which base64 and line breaks grow to < 8.2 MiB.
 * The four capped files (stdout, stderr, compile log, output folder) plus headers fit only when
 * FAAS_OUTPUT_LIMIT_BYTES ≤ MAX_OUTPUT_LIMIT_BYTES; the runner refuses larger values.
 */
export const MAX_RESULT_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_OUTPUT_LIMIT_BYTES = 1024 * 1024;
/**
 * Memory the run container gets on top of FAAS_MEMORY_LIMIT_BYTES (its limit is the sum): the
 * runner with full capture buffers (≈ 4 MiB), a fast allocation's overshoot between two of its
 * samples (10 ms), and under gVisor the sandbox's own memory — measured here at 34 MiB over a
 * 256 MiB budget. Without it gVisor's whole sandbox, runner included, is OOM-killed and no result
 * is written; under runc the kernel's OOM kill is still reported as memory-limit.
 */
export const EXECUTOR_MEMORY_HEADROOM_BYTES = 64 * 1024 * 1024;

/**
 * The host-side process bound every node must give each Pod (kubelet `podPidsLimit`): the hard
 * limit behind a fork bomb. Under gVisor the sandbox's own threads count too, and 128 made the
 * sandbox itself fail during a fork bomb; 1024 holds (service/executor/README.md).
 */
export const POD_PIDS_LIMIT = 1024;

/** Most files the output folder returns (each costs up to 1 KiB of tar header and padding). */
export const MAX_OUTPUT_FILES = 100;

export interface ExecutorLimits {
  readonly compileTimeoutMs: number;
  readonly runTimeoutMs: number;
  readonly memoryBytes: number;
  readonly outputBytes: number;
  readonly maxProcesses: number;
}

/** How a run ended, as the trusted runner determined it. */
export const OUTCOMES = [
  "ok",
  "compile-error",
  "runtime-error",
  "time-limit",
  "memory-limit",
  "process-limit",
  "output-limit",
  "rejected",
  "internal-error",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface PhaseSummary {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  /** Peak memory the runner observed, when it could measure it. */
  readonly maxMemoryBytes?: number;
}

/** `meta/summary.json`, written by the runner after every job process is dead. */
export interface ExecutorSummary {
  readonly version: 1;
  readonly language: Language;
  readonly outcome: Outcome;
  /** The phase the outcome belongs to. */
  readonly phase: "compile" | "run";
  readonly compile?: PhaseSummary;
  readonly run?: PhaseSummary;
  readonly truncated: { readonly stdout: boolean; readonly stderr: boolean; readonly compileLog: boolean; readonly output: boolean };
  readonly limits: ExecutorLimits;
  /** Runner's own explanation for rejected/internal-error outcomes. */
  readonly message?: string;
}

/** Files of the result archive inside the frame. */
export const RESULT_FILES = {
  summary: "meta/summary.json",
  stdout: "meta/stdout.txt",
  stderr: "meta/stderr.txt",
  compileLog: "meta/compile.log",
  /** Prefix of the program's own output files. */
  outputPrefix: "output/",
} as const;

/** Container images per language are built by this repository (images/). */
export type ExecutorImages = Readonly<Record<Language, string>>;
