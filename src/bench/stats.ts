/** Median and spread of repeated measurements, and ratios between runtimes. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median absolute deviation from the median: the spread, robust to one slow outlier. */
  readonly mad: number;
  /** Every measurement, in the order taken. */
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const m = median(samples);
  return {
    n: samples.length,
    median: m,
    min: Math.min(...samples),
    max: Math.max(...samples),
    mad: median(samples.map((v) => Math.abs(v - m))),
    samples: [...samples],
  };
}

/**
 * How many times slower `runtime` is than `baseline` on a metric, in the documents' terms
 * ("runC is up to 5× faster"): time ratio for times, inverse rate ratio for rates. 1 = equal.
 */
export function slowdown(runtime: number, baseline: number, better: "lower" | "higher"): number {
  return better === "lower" ? runtime / baseline : baseline / runtime;
}
