/** What one benchmark run produced: written as JSON, printed as a table, drawn as a chart. */
import type { RuntimeName } from "../config/runtimes";
import type { BenchApp, BenchSizes } from "./apps";
import type { Summary } from "./stats";

/** Whether a runtime could be measured here, and with what (versions, flags, network mode). */
export interface RuntimeStatus {
  readonly runtime: RuntimeName;
  readonly available: boolean;
  /** Why not (e.g. "not available here: no /dev/kvm"), or how it ran. */
  readonly detail: string;
}

/** The machine (or cluster) measured, for the record next to the figures. */
export interface MachineDescription {
  readonly summary: string;
  readonly facts: Readonly<Record<string, string>>;
}

export interface BenchResult {
  readonly schema: "clusterkit.bench.runtimes/v1";
  /** `local-machine` or an environment name. */
  readonly target: string;
  readonly backend: "local" | "kubernetes";
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly repeats: number;
  readonly warmup: number;
  readonly sizes: BenchSizes;
  readonly machine: MachineDescription;
  readonly runtimes: readonly RuntimeStatus[];
  /** metric id → runtime → summary of its measurements. */
  readonly metrics: Readonly<Record<string, Partial<Readonly<Record<RuntimeName, Summary>>>>>;
  /** Measurements that failed: app → runtime → message (the rest of the run went on). */
  readonly failures: Partial<Readonly<Record<BenchApp, Partial<Readonly<Record<RuntimeName, string>>>>>>;
}
