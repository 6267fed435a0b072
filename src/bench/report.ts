/** The benchmark as a text table with ratios against runC, and its headline in the documents' terms. */
import { RUNTIME_LABELS, RUNTIMES, type RuntimeName } from "../config/runtimes";
import { METRICS, type MetricDef } from "./apps";
import { DOCUMENT_FIGURES } from "./documents";
import type { BenchResult } from "./result";
import { slowdown, type Summary } from "./stats";

/** Shown instead of a number for a runtime that cannot run on this machine or cluster. */
export const NOT_AVAILABLE = "not available here";

/** Metrics of "processing" (the paper's runC-vs-sandboxed and Kata-vs-gVisor claims). */
const PROCESSING = new Set(["cpu", "io", "net"]);

function fmt(v: number, unit: MetricDef["unit"]): string {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function ratioText(r: number): string {
  if (!Number.isFinite(r)) return "?";
  if (r >= 1) return `${r.toFixed(2)}× slower`;
  return `${(1 / r).toFixed(2)}× faster`;
}

/** The summary of a metric for a runtime, if measured. */
function cell(result: BenchResult, metric: string, runtime: RuntimeName): Summary | undefined {
  return result.metrics[metric]?.[runtime];
}

/** Slowdown of `runtime` against `baseline` on a metric (undefined when either is missing). */
export function ratio(result: BenchResult, m: MetricDef, runtime: RuntimeName, baseline: RuntimeName): number | undefined {
  const a = cell(result, m.id, runtime);
  const b = cell(result, m.id, baseline);
  return a && b ? slowdown(a.median, b.median, m.better) : undefined;
}

function cellText(result: BenchResult, m: MetricDef, runtime: RuntimeName): string {
  const status = result.runtimes.find((s) => s.runtime === runtime);
  if (!status?.available) return status?.detail.startsWith("not selected") ? "not selected" : NOT_AVAILABLE;
  const s = cell(result, m.id, runtime);
  if (!s) return result.failures[m.app]?.[runtime] ? "failed" : "—";
  const base = `${fmt(s.median, m.unit)} ± ${fmt(s.mad, m.unit).replace(/ .*/, "")}`;
  if (runtime === "runc") return base;
  const r = ratio(result, m, runtime, "runc");
  return r === undefined ? base : `${base} (${ratioText(r)})`;
}

interface Extreme {
  readonly value: number;
  readonly metric: MetricDef;
}

/** Largest slowdown of `runtime` against `baseline` over the metrics `pick` selects. */
function upTo(result: BenchResult, runtime: RuntimeName, baseline: RuntimeName, pick: (m: MetricDef) => boolean): Extreme | undefined {
  let best: Extreme | undefined;
  for (const m of METRICS.filter(pick)) {
    const r = ratio(result, m, runtime, baseline);
    if (r !== undefined && (!best || r > best.value)) best = { value: r, metric: m };
  }
  return best;
}

/** The documents' three claims, each next to what this run measured (or why it could not). */
export function headline(result: BenchResult): string[] {
  const label = RUNTIME_LABELS;
  const available = (r: RuntimeName) => result.runtimes.find((s) => s.runtime === r)?.available ?? false;
  const lines: string[] = [];
  const processing = (m: MetricDef) => PROCESSING.has(m.app);
  for (const sandboxed of ["gvisor", "kata"] as const) {
    const e = available(sandboxed) ? upTo(result, sandboxed, "runc", processing) : undefined;
    lines.push(
      e
        ? `runC is up to ${e.value.toFixed(1)}× faster than ${label[sandboxed]} at processing (${e.metric.label}); documents: up to ${DOCUMENT_FIGURES.runcOverSandboxed}× faster than the sandboxed runtimes`
        : `runC vs ${label[sandboxed]}: ${available(sandboxed) ? "no measurement" : NOT_AVAILABLE}; documents: runC up to ${DOCUMENT_FIGURES.runcOverSandboxed}× faster than the sandboxed runtimes`,
    );
  }
  const start = upTo(result, "kata", "gvisor", (m) => m.app === "start");
  lines.push(
    start
      ? `gVisor starts containers ${start.value.toFixed(1)}× ${start.value >= 1 ? "faster" : "slower"} than Kata (${start.metric.label}); documents: up to ${DOCUMENT_FIGURES.gvisorOverKataStart}× faster`
      : `gVisor vs Kata start: ${NOT_AVAILABLE} (Kata: ${result.runtimes.find((s) => s.runtime === "kata")?.detail ?? "not measured"}); documents: gVisor up to ${DOCUMENT_FIGURES.gvisorOverKataStart}× faster`,
  );
  const run = upTo(result, "gvisor", "kata", processing);
  lines.push(
    run
      ? `Kata runs containers up to ${run.value.toFixed(1)}× faster than gVisor (${run.metric.label}); documents: up to ${DOCUMENT_FIGURES.kataOverGvisorRun}× faster`
      : `Kata vs gVisor processing: ${NOT_AVAILABLE}; documents: Kata up to ${DOCUMENT_FIGURES.kataOverGvisorRun}× faster than gVisor`,
  );
  return lines;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}

export function formatTable(result: BenchResult): string {
  const metrics = METRICS.filter((m) => result.metrics[m.id] !== undefined);
  const rows = [["metric", ...RUNTIMES.map((r) => RUNTIME_LABELS[r])], ...metrics.map((m) => [m.label, ...RUNTIMES.map((r) => cellText(result, m, r))])];
  const failures = Object.entries(result.failures).flatMap(([app, byRuntime]) =>
    Object.entries(byRuntime ?? {}).map(([rt, msg]) => `  ${app} under ${rt}: ${msg}`),
  );
  return [
    `Runtime benchmark: ${result.target} (${result.backend} backend), median ± median absolute deviation of ${result.repeats} run(s) after ${result.warmup} warm-up`,
    `machine: ${result.machine.summary}`,
    ...result.runtimes.map(
      (s) => `  ${RUNTIME_LABELS[s.runtime]}: ${s.available ? s.detail : `${s.detail.startsWith("not selected") ? "" : `${NOT_AVAILABLE}: `}${s.detail}`}`,
    ),
    "",
    ...pad(rows),
    "",
    "In the documents' terms:",
    ...headline(result).map((l) => `  ${l}`),
    ...(failures.length ? ["", "Failed measurements:", ...failures] : []),
  ].join("\n");
}
