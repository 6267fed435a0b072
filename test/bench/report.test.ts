/**
 * The benchmark's arithmetic and output: medians and spread, warm-up rounds discarded, ratios in
 * the documents' terms, the table (Kata "not available here"), the SVG (rendered by resvg, bars
 * carrying the ratios), and the command line's refusals.
 */
import { describe, expect, it } from "@jest/globals";
import { Resvg } from "@resvg/resvg-js";
import { SIZES, type BenchApp, parseLoad, parseWorkload } from "../../src/bench/apps";
import { renderChart } from "../../src/bench/chart";
import { parseBenchArgs } from "../../src/bench/cli";
import { headline, formatTable, NOT_AVAILABLE } from "../../src/bench/report";
import type { RuntimeStatus } from "../../src/bench/result";
import { type BenchBackend, runBench } from "../../src/bench/run";
import { median, slowdown, summarize } from "../../src/bench/stats";
import type { RuntimeName } from "../../src/config/runtimes";
import { UserError } from "../../src/errors";

/** A backend whose n-th measurement of (app, runtime) returns `values[runtime][n]` for every metric of the app. */
function scripted(values: Partial<Record<RuntimeName, number[]>>, kata: RuntimeStatus): BenchBackend & { calls: string[] } {
  const count = new Map<string, number>();
  const calls: string[] = [];
  return {
    kind: "local",
    target: "test-machine",
    calls,
    prepare: async () => undefined,
    describe: async () => ({ summary: "test machine <2 cores>", facts: {} }),
    runtimes: async () => [{ runtime: "runc", available: true, detail: "runc 1.1.5" }, { runtime: "gvisor", available: true, detail: "runsc" }, kata],
    async measure(app: BenchApp, runtime: RuntimeName) {
      calls.push(`${app}/${runtime}`);
      const k = `${app}/${runtime}`;
      const i = count.get(k) ?? 0;
      count.set(k, i + 1);
      const v = values[runtime]![i]!;
      const metrics: Record<BenchApp, string[]> = {
        cpu: ["cpu.compile", "cpu.kernel"],
        io: ["io.write", "io.read"],
        net: ["net.throughput", "net.p50"],
        start: ["start.running", "start.firstByte"],
      };
      // Rates: higher is better, so a slower runtime gets a smaller value.
      return Object.fromEntries(metrics[app].map((m) => [m, m === "net.throughput" ? 1000 / v : v]));
    },
    cleanup: async () => undefined,
  };
}

const noKata: RuntimeStatus = { runtime: "kata", available: false, detail: "the CPU offers no hardware virtualization" };

describe("benchmark statistics and report", () => {
  it("computes median, spread and slowdown (times and rates alike)", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const s = summarize([10, 12, 11, 30]);
    expect([s.median, s.min, s.max, s.mad, s.n]).toEqual([11.5, 10, 30, 1, 4]);
    expect(slowdown(300, 100, "lower")).toBe(3);
    expect(slowdown(100, 300, "higher")).toBe(3);
  });

  it("discards warm-up rounds, interleaves runtimes, and reports medians and ratios against runC", async () => {
    // warm-up values (first) are absurd: they must not reach the medians.
    const backend = scripted({ runc: [999, 10, 12, 11], gvisor: [1, 40, 44, 42] }, noKata);
    const r = await runBench(backend, { repeats: 3, warmup: 1, sizes: SIZES.quick });
    expect(backend.calls.slice(0, 4)).toEqual(["cpu/runc", "cpu/gvisor", "io/runc", "io/gvisor"]);
    expect(r.metrics["cpu.compile"]?.runc?.median).toBe(11);
    expect(r.metrics["cpu.compile"]?.gvisor?.median).toBe(42);
    expect(r.metrics["net.throughput"]?.gvisor?.median).toBeCloseTo(1000 / 42);
    expect(r.metrics["cpu.compile"]?.kata).toBeUndefined();
    const table = formatTable(r);
    expect(table).toMatch(/CPU: gcc compile\s+11\.0 ms ± 1\.00\s+42\.0 ms ± 2\.00 \(3\.82× slower\)\s+not available here/);
    expect(table).toMatch(/Network: HTTP requests\s+\S+ req\/s .*\(3\.82× slower\)/);
    expect(table).toContain(`Kata: ${NOT_AVAILABLE}: the CPU offers no hardware virtualization`);
    const lines = headline(r);
    expect(lines[0]).toMatch(/^runC is up to 3\.8× faster than gVisor at processing .*documents: up to 5× faster/);
    expect(lines[1]).toMatch(/^runC vs Kata: not available here/);
    expect(lines[2]).toMatch(/^gVisor vs Kata start: not available here/);
  });

  it("compares gVisor and Kata in the documents' terms when both ran", async () => {
    const kata: RuntimeStatus = { runtime: "kata", available: true, detail: "kata 3" };
    const r = await runBench(scripted({ runc: [10], gvisor: [40], kata: [25] }, kata), { repeats: 1, warmup: 0, sizes: SIZES.quick });
    const lines = headline(r);
    expect(lines[1]).toMatch(/^runC is up to 2\.5× faster than Kata/);
    expect(lines[2]).toMatch(/^gVisor starts containers 0\.6× slower than Kata/);
    expect(lines[3]).toMatch(/^Kata runs containers up to 1\.6× faster than gVisor/);
  });

  it("draws an SVG that renders, with one bar per measured runtime and metric and Kata named as not available", async () => {
    const r = await runBench(scripted({ runc: [10, 10], gvisor: [30, 50] }, noKata), { repeats: 2, warmup: 0, sizes: SIZES.quick });
    const svg = renderChart(r);
    const png = new Resvg(svg).render();
    expect(png.width).toBeGreaterThan(600);
    const bars = [...svg.matchAll(/data-metric="([^"]+)" data-runtime="([^"]+)" data-ratio="([^"]+)"/g)];
    expect(bars).toHaveLength(16);
    expect(bars.filter((b) => b[2] === "kata")).toHaveLength(0);
    expect(Number(bars.find((b) => b[1] === "cpu.compile" && b[2] === "gvisor")![3])).toBeCloseTo(4);
    expect(svg).toContain(`Kata: ${NOT_AVAILABLE}`);
    expect(svg).toContain("test machine &lt;2 cores&gt;");
  });

  it("parses the workloads' and the load generator's output, refusing a load run with errors", () => {
    expect(parseWorkload("cpu", 'noise\n{"app":"cpu","compileMs":12.5,"kernelMs":3}\n')).toEqual({ "cpu.compile": 12.5, "cpu.kernel": 3 });
    expect(() => parseWorkload("io", '{"app":"cpu","compileMs":1,"kernelMs":1}')).toThrow(/printed a result for 'cpu'/);
    expect(() => parseWorkload("cpu", "gcc: fatal error\n")).toThrow(/printed no result line/);
    expect(parseLoad('{"requests":100,"errors":0,"latency":{"p50":2,"p95":3,"max":4},"elapsedSeconds":0.5}')).toEqual({ "net.throughput": 200, "net.p50": 2 });
    expect(() => parseLoad('{"requests":100,"errors":3,"errorCounts":{"ECONNRESET":3},"latency":{"p50":2},"elapsedSeconds":1}')).toThrow(
      /3 errors in 100 requests/,
    );
  });

  it("parses its command line and refuses bad input naming the option", () => {
    expect(parseBenchArgs(["--local", "--repeat", "3", "--quick", "--runtimes=runc,gvisor"])).toMatchObject({
      target: "local-machine",
      repeat: 3,
      quick: true,
      runtimes: ["runc", "gvisor"],
    });
    expect(parseBenchArgs(["ack-managed"]).target).toBe("ack-managed");
    expect(parseBenchArgs(["local"]).target).toBe("local");
    const refused = (argv: string[], message: RegExp) => {
      expect(() => parseBenchArgs(argv)).toThrow(UserError);
      expect(() => parseBenchArgs(argv)).toThrow(message);
    };
    refused([], /name an environment .* or --local/);
    refused(["staging"], /unknown environment 'staging'/);
    refused(["--local", "--repeat", "0"], /--repeat must be a whole number from 1 to 50, got '0'/);
    refused(["--local", "--runtimes", "runc,crun"], /--runtimes: unknown 'crun'; choose from runc, gvisor, kata/);
    refused(["--local", "--kubeconfig", "x"], /--kubeconfig is for a cluster/);
    refused(["local", "--local"], /one target only/);
  });
});
