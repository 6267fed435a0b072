/**
 * The runtime benchmark's contract: the workload images (images/recipes/bench-*.ts), the commands
 * both backends run in them (bench/workload.c), the JSON each prints, and the metrics the report
 * shows. Backends, recipes and report all import it.
 */
import { UserError } from "../errors";

/** The applications, in the order they run and are reported. */
export const BENCH_APPS = ["cpu", "io", "net", "start"] as const;
export type BenchApp = (typeof BENCH_APPS)[number];

/** Images this repository builds for the benchmark (names of images/recipes/bench-*.ts). */
export const BENCH_IMAGES = { cpu: "bench-cpu", io: "bench-io", net: "bench-net", loadgen: "bench-loadgen" } as const;
export type BenchImage = (typeof BENCH_IMAGES)[keyof typeof BENCH_IMAGES];

/** Paths inside the workload images. */
export const BENCH_PATHS = {
  /** The static workload program (bench/workload.c). */
  workload: "/usr/local/bin/bench-workload",
  /** The C file the CPU app compiles (the workload's own source). */
  compileSource: "/opt/bench/workload.c",
  /** Where the I/O app writes: the pod's volume (emptyDir on a cluster, a host folder locally). */
  dataDir: "/data",
  /** gcc's scratch in the CPU app (an emptyDir / tmpfs: the images' root is read-only). */
  tmpDir: "/tmp",
  /** The load generator bundle in bench-loadgen (scripts/loadgen.ts, --json). */
  loadgen: "/app/main.js",
} as const;

/** The HTTP server's port in the container. */
export const SERVE_PORT = 8080;

/** Work per run. `quick` is for tests: the same code paths, a fraction of the time. */
export interface BenchSizes {
  /** gcc -O2 -c runs per CPU measurement. */
  readonly compiles: number;
  /** Matrix size of the compute kernel (n × n doubles; the sieve covers 64 n²). */
  readonly matrixN: number;
  readonly ioFiles: number;
  readonly ioFileKiB: number;
  /** Requests per network measurement. */
  readonly requests: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
}

export const SIZES: Readonly<Record<"default" | "quick", BenchSizes>> = {
  default: { compiles: 3, matrixN: 400, ioFiles: 64, ioFileKiB: 1024, requests: 2000, concurrency: 8 },
  quick: { compiles: 1, matrixN: 160, ioFiles: 8, ioFileKiB: 256, requests: 200, concurrency: 4 },
};

/** The HTTP server's command (bench-net; also the start app). */
export const SERVE_ARGS: readonly string[] = ["serve", String(SERVE_PORT)];

/** The container command (after the image's entrypoint, which is the workload program) per app. */
export function workloadArgs(app: Exclude<BenchApp, "start">, sizes: BenchSizes): string[] {
  switch (app) {
    case "cpu":
      return ["cpu", BENCH_PATHS.compileSource, String(sizes.compiles), String(sizes.matrixN)];
    case "io":
      return ["io", BENCH_PATHS.dataDir, String(sizes.ioFiles), String(sizes.ioFileKiB)];
    case "net":
      return [...SERVE_ARGS];
  }
}

/** The load generator's arguments against a server URL (bench-loadgen on a cluster). */
export function loadgenArgs(url: string, sizes: BenchSizes): string[] {
  return [url, "--requests", String(sizes.requests), "--concurrency", String(sizes.concurrency), "--duration", "300", "--timeout", "10", "--json"];
}

/** Metrics reported per runtime; `lower` = a time, `higher` = a rate. */
export interface MetricDef {
  readonly id: string;
  readonly app: BenchApp;
  readonly label: string;
  readonly unit: "ms" | "req/s";
  readonly better: "lower" | "higher";
}

export const METRICS: readonly MetricDef[] = [
  { id: "cpu.compile", app: "cpu", label: "CPU: gcc compile", unit: "ms", better: "lower" },
  { id: "cpu.kernel", app: "cpu", label: "CPU: compute kernel", unit: "ms", better: "lower" },
  { id: "io.write", app: "io", label: "I/O: write + fsync", unit: "ms", better: "lower" },
  { id: "io.read", app: "io", label: "I/O: read back", unit: "ms", better: "lower" },
  { id: "net.throughput", app: "net", label: "Network: HTTP requests", unit: "req/s", better: "higher" },
  { id: "net.p50", app: "net", label: "Network: median latency", unit: "ms", better: "lower" },
  { id: "start.running", app: "start", label: "Start: create → running", unit: "ms", better: "lower" },
  { id: "start.firstByte", app: "start", label: "Start: create → first byte", unit: "ms", better: "lower" },
];

/** One measurement: metric id → value. */
export type Sample = Readonly<Record<string, number>>;

function lastJsonLine(output: string, what: string): Record<string, unknown> {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("{"));
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not JSON after all: keep looking
    }
  }
  throw new UserError(`${what} printed no result line (output: ${JSON.stringify(output.slice(-300))})`);
}

function num(o: Record<string, unknown>, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new UserError(`${what}: '${key}' is not a non-negative number in ${JSON.stringify(o)}`);
  return v;
}

/** The metrics in a workload's output (cpu and io print one JSON line each). */
export function parseWorkload(app: "cpu" | "io", output: string): Sample {
  const o = lastJsonLine(output, `the ${app} workload`);
  if (o.app !== app) throw new UserError(`the ${app} workload printed a result for '${String(o.app)}'`);
  return app === "cpu"
    ? { "cpu.compile": num(o, "compileMs", "cpu"), "cpu.kernel": num(o, "kernelMs", "cpu") }
    : { "io.write": num(o, "writeMs", "io"), "io.read": num(o, "readMs", "io") };
}

/** The load generator's JSON summary (scripts/loadgen.ts --json) as metrics; refuses a run with errors. */
export function parseLoad(output: string): Sample {
  const o = lastJsonLine(output, "the load generator");
  const requests = num(o, "requests", "loadgen");
  const errors = num(o, "errors", "loadgen");
  const elapsed = num(o, "elapsedSeconds", "loadgen");
  const latency = o.latency as Record<string, unknown> | undefined;
  if (requests === 0 || errors > 0 || !latency)
    throw new UserError(`the load generator got ${errors} errors in ${requests} requests (${JSON.stringify(o.errorCounts ?? {})})`);
  return { "net.throughput": requests / Math.max(elapsed, 1e-3), "net.p50": num(latency, "p50", "loadgen latency") };
}
