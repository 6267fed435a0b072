/**
 * Runs the benchmark through a backend: every application under every available runtime, the
 * runtimes interleaved within each round (so drift on a shared machine hits them alike), after
 * `warmup` discarded rounds; then median and spread per metric and runtime.
 */
import { RUNTIMES, type RuntimeName } from "../config/runtimes";
import { BENCH_APPS, type BenchApp, type BenchSizes, METRICS, type Sample } from "./apps";
import type { BenchResult, MachineDescription, RuntimeStatus } from "./result";
import { summarize, type Summary } from "./stats";

export interface BenchBackend {
  readonly kind: BenchResult["backend"];
  /** `local-machine` or the environment's name; also the output folder under dist/. */
  readonly target: string;
  describe(): Promise<MachineDescription>;
  /** Finds the runtimes, loads or checks the images; called once, first. */
  prepare(only?: readonly RuntimeName[]): Promise<void>;
  /** Every runtime of RUNTIMES, available or not (with the reason), as prepare found them. */
  runtimes(): Promise<RuntimeStatus[]>;
  /** One measurement of `app` under `runtime`. */
  measure(app: BenchApp, runtime: RuntimeName, sizes: BenchSizes): Promise<Sample>;
  /** Removes what the run created (containers, Pods, the namespace). */
  cleanup(): Promise<void>;
}

export interface RunOptions {
  readonly repeats: number;
  readonly warmup: number;
  readonly sizes: BenchSizes;
  readonly apps?: readonly BenchApp[];
  /** Restrict to these runtimes (others are reported as not selected). */
  readonly only?: readonly RuntimeName[];
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

export async function runBench(backend: BenchBackend, opts: RunOptions): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const apps = opts.apps ?? BENCH_APPS;
  const samples = new Map<string, number[]>();
  const failures: Partial<Record<BenchApp, Partial<Record<RuntimeName, string>>>> = {};
  let machine: MachineDescription;
  let statuses: RuntimeStatus[];
  try {
    await backend.prepare(opts.only);
    machine = await backend.describe();
    statuses = (await backend.runtimes()).map((s): RuntimeStatus =>
      s.available && opts.only && !opts.only.includes(s.runtime) ? { runtime: s.runtime, available: false, detail: "not selected (--runtimes)" } : s,
    );
    for (const s of statuses) log(`${s.runtime}: ${s.available ? "" : "skipped, "}${s.detail}`);
    const rounds = opts.warmup + opts.repeats;
    for (let round = 0; round < rounds; round++) {
      const counted = round >= opts.warmup;
      for (const app of apps) {
        for (const runtime of RUNTIMES) {
          if (!statuses.find((s) => s.runtime === runtime)?.available || failures[app]?.[runtime]) continue;
          const label = `${counted ? `round ${round - opts.warmup + 1}/${opts.repeats}` : `warm-up ${round + 1}/${opts.warmup}`} ${app} ${runtime}`;
          try {
            const sample = await backend.measure(app, runtime, opts.sizes);
            log(
              `${label}: ${Object.entries(sample)
                .map(([k, v]) => `${k}=${v.toFixed(1)}`)
                .join(" ")}`,
            );
            if (!counted) continue;
            for (const [metric, value] of Object.entries(sample)) {
              const key = `${metric}\u0000${runtime}`;
              samples.set(key, [...(samples.get(key) ?? []), value]);
            }
          } catch (err) {
            const message = (err as Error).message.split("\n")[0]!;
            log(`${label}: FAILED ${message}`);
            (failures[app] ??= {})[runtime] = message;
          }
        }
      }
    }
  } finally {
    await backend.cleanup();
  }
  const measured = RUNTIMES.filter((r) => statuses.find((s) => s.runtime === r)?.available);
  const metrics: Record<string, Partial<Record<RuntimeName, Summary>>> = {};
  for (const m of METRICS.filter((d) => apps.includes(d.app))) {
    const byRuntime: Partial<Record<RuntimeName, Summary>> = {};
    for (const runtime of measured) {
      const values = samples.get(`${m.id}\u0000${runtime}`);
      if (values?.length) byRuntime[runtime] = summarize(values);
    }
    metrics[m.id] = byRuntime;
  }
  return {
    schema: "clusterkit.bench.runtimes/v1",
    target: backend.target,
    backend: backend.kind,
    startedAt,
    finishedAt: now().toISOString(),
    repeats: opts.repeats,
    warmup: opts.warmup,
    sizes: opts.sizes,
    machine,
    runtimes: statuses,
    metrics,
    failures,
  };
}
