/**
 * The benchmark's Kubernetes backend against the fake API server: a ClusterRole with exactly the
 * calls src/bench/kube.ts documents, the RuntimeClasses the charts synthesize, Pod Security
 * `restricted` on the namespace it creates, and scripted bench Pods whose speed depends on their
 * RuntimeClass (fake-cluster.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { V1Pod } from "@kubernetes/client-node";
import { SIZES } from "../../src/bench/apps";
import { BENCH_NAMESPACE, KubeBackend } from "../../src/bench/kube";
import { benchImageRef } from "../../src/bench/kube-target";
import { formatTable, NOT_AVAILABLE } from "../../src/bench/report";
import type { BenchResult } from "../../src/bench/result";
import { runBench } from "../../src/bench/run";
import { addRuntimeClassChart } from "../../charts/runtime-classes";
import type { K8sObject } from "../faas/fixtures";
import { synthCharts, testEnvironment } from "../support/synth-charts";
import { BASE, type BenchCluster, LOADGEN_REQUESTS, SPEED, startBenchCluster } from "./fake-cluster";

const images = {
  "bench-cpu": benchImageRef("registry.test:5000", "bench-cpu"),
  "bench-io": benchImageRef("registry.test:5000", "bench-io"),
  "bench-net": benchImageRef("registry.test:5000", "bench-net"),
  "bench-loadgen": benchImageRef("registry.test:5000", "bench-loadgen"),
};

describe("bench:runtimes on a cluster (fake API server)", () => {
  let cluster: BenchCluster;
  let result: BenchResult;
  let namespaceDuringRun: Record<string, any> | undefined;

  beforeAll(async () => {
    // The RuntimeClasses exactly as the local environment's charts write them.
    const runtimeClasses = synthCharts(testEnvironment("local"), addRuntimeClassChart).all.filter((o) => o.kind === "RuntimeClass") as K8sObject[];
    expect(runtimeClasses.map((o) => o.metadata.name)).toContain("gvisor");
    cluster = await startBenchCluster(runtimeClasses);
    const backend = new KubeBackend({
      target: "local",
      kubeConfig: cluster.api.kubeConfig(),
      images,
      runtimes: { runc: {}, gvisor: { runtimeClassName: "gvisor" }, kata: { unavailable: "not installed in local (runtimes.kata.enabled is false)" } },
      podSecurityVersion: "v1.35",
      describe: "fake cluster",
      pollMs: 5,
      podTimeoutMs: 10_000,
    });
    const measure = backend.measure.bind(backend);
    backend.measure = async (app, runtime, sizes) => {
      namespaceDuringRun ??= cluster.api.namespaces.get(BENCH_NAMESPACE);
      return measure(app, runtime, sizes);
    };
    result = await runBench(backend, { repeats: 2, warmup: 0, sizes: SIZES.quick });
  });

  afterAll(async () => {
    await cluster?.api.stop();
  });

  it("measures every app under runc and gVisor, each median attributed to its runtime", () => {
    expect(result.failures).toEqual({});
    const g = SPEED.gvisor!;
    expect(result.metrics["cpu.compile"]?.runc?.median).toBe(BASE.compileMs);
    expect(result.metrics["cpu.compile"]?.gvisor?.median).toBe(BASE.compileMs * g);
    expect(result.metrics["io.read"]?.gvisor?.median).toBe(BASE.readMs * g);
    expect(result.metrics["net.throughput"]?.runc?.median).toBeCloseTo(LOADGEN_REQUESTS / BASE.elapsedSeconds);
    expect(result.metrics["net.throughput"]?.gvisor?.median).toBeCloseTo(LOADGEN_REQUESTS / (BASE.elapsedSeconds * g));
    expect(result.metrics["net.p50"]?.gvisor?.median).toBe(BASE.p50 * g);
    for (const m of ["start.running", "start.firstByte"]) for (const r of ["runc", "gvisor"] as const) expect(result.metrics[m]?.[r]?.n).toBe(2);
    // Start timings come from the watch and the proxy: never shorter than the scripted Pod's
    // delays (running after 20 ms × speed, serving 60 ms × speed later), first byte after running.
    for (const r of ["runc", "gvisor"] as const) {
      const speed = SPEED[r === "runc" ? "" : r]!;
      const running = result.metrics["start.running"]![r]!.samples;
      const first = result.metrics["start.firstByte"]![r]!.samples;
      running.forEach((t, i) => {
        expect(t).toBeGreaterThanOrEqual(20 * speed - 2);
        expect(first[i]!).toBeGreaterThanOrEqual(Math.max(t, 80 * speed - 2));
      });
    }
    expect(result.metrics["cpu.compile"]?.kata).toBeUndefined();
  });

  it("selects gVisor by its RuntimeClass only, runs the load generator under runC at the server's Pod IP, and gives the I/O app an emptyDir at /data", () => {
    const byImage = (name: string) => cluster.created.filter((p) => p.spec!.containers[0]!.image === images[name as keyof typeof images]);
    const classes = (pods: V1Pod[]) => [...new Set(pods.map((p) => p.spec!.runtimeClassName ?? "runc"))].sort();
    expect(classes(byImage("bench-cpu"))).toEqual(["gvisor", "runc"]);
    expect(classes(byImage("bench-loadgen"))).toEqual(["runc"]);
    // 2 rounds × 2 runtimes; net and start both use bench-net.
    expect(byImage("bench-cpu")).toHaveLength(4);
    expect(byImage("bench-net")).toHaveLength(8);
    for (const p of byImage("bench-loadgen")) expect(p.spec!.containers[0]!.args![0]).toMatch(/^http:\/\/10\.244\.1\.\d+:8080\/$/);
    for (const p of byImage("bench-io")) expect(p.spec!.volumes).toEqual([{ name: "data", emptyDir: {} }]);
    for (const p of cluster.created) {
      expect(p.metadata!.namespace).toBe(BENCH_NAMESPACE);
      expect(p.spec!.automountServiceAccountToken).toBe(false);
    }
  });

  it("runs in its own restricted namespace and leaves nothing behind", () => {
    expect(namespaceDuringRun?.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(cluster.api.namespaces.has(BENCH_NAMESPACE)).toBe(false);
    expect(cluster.api.pods.size).toBe(0);
    // Only the calls the ClusterRole holds were made (anything else would be a 403 here).
    expect(cluster.api.requests.filter((r) => r.code === 403)).toEqual([]);
  });

  it("shows Kata as not available, never as a number", () => {
    const table = formatTable(result);
    const rows = table.split("\n").filter((l) => /^(CPU|I\/O|Network|Start):/.test(l));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.endsWith(NOT_AVAILABLE)).toBe(true);
    expect(table).toMatch(/CPU: gcc compile\s+100 ms ± 0\.00\s+300 ms ± 0\.00 \(3\.00× slower\)/);
    expect(table).toContain("runC is up to 3.0× faster than gVisor");
  });

  it("reports a runtime whose RuntimeClass the cluster lacks as not installed there, and goes on", async () => {
    const backend = new KubeBackend({
      target: "local",
      kubeConfig: cluster.api.kubeConfig(),
      images,
      runtimes: { runc: {}, gvisor: { unavailable: "off" }, kata: { runtimeClassName: "kata" } },
      podSecurityVersion: "v1.35",
      describe: "fake cluster",
      pollMs: 5,
      podTimeoutMs: 10_000,
    });
    const r = await runBench(backend, { repeats: 1, warmup: 0, sizes: SIZES.quick, apps: ["cpu", "io"] });
    expect(r.failures.cpu?.kata).toMatch(/kata is not installed on local: .*RuntimeClass "kata" not found/);
    expect(r.metrics["cpu.compile"]?.runc?.n).toBe(1);
    expect(cluster.api.namespaces.has(BENCH_NAMESPACE)).toBe(false);
  });
});
