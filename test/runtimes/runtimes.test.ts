/**
 * Runtimes per workload: the RuntimeClasses the charts write (05-runtime-classes), validation that
 * refuses a runtime the environment does not install (naming the field), `config` showing every
 * workload's runtime, and that changing one workload's runtime changes exactly that workload's
 * `runtimeClassName` in the synthesized manifests.
 */
import { describe, expect, it } from "@jest/globals";
import { addFaasCharts } from "../../charts/faas";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { addPlatformCharts } from "../../charts/platform";
import { addRuntimeClassChart } from "../../charts/runtime-classes";
import { validateConfigs } from "../../src/config/load";
import { RUNTIMES, workloadRuntimes } from "../../src/config/runtimes";
import type { Environment, EnvironmentName } from "../../src/config/schema";
import { configMain } from "../../src/cli/commands/config";
import { scratchDir } from "../support/cli";
import { runCommandIn } from "../support/commands";
import { ManifestValidator } from "../support/k8s-validate";
import { podSpecsOf, restrictedViolations } from "../support/pod-security";
import { synthCharts, testEnvironment } from "../support/synth-charts";

function synthAll(env: Environment) {
  return synthCharts(env, (app, e, ctx) => {
    addRuntimeClassChart(app, e);
    addPlatformCharts(app, e, ctx);
    addFaasCharts(app, e, ctx);
  });
}

/** `Kind namespace/name` → runtimeClassName ("" for none) of every pod-bearing object. */
function classes(env: Environment): Map<string, string> {
  return new Map(podSpecsOf(synthAll(env).all).map((p) => [p.where, String(p.spec.runtimeClassName ?? "")]));
}

function problems(env: EnvironmentName, override: Record<string, unknown>): string[] {
  return validateConfigs({ [env]: override }).problems.map((p) => `${p.path}: ${p.message}`);
}

/** Sets `path` (dotted, relative to the environment) in a fresh override object. */
function at(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split(".");
  const out: Record<string, unknown> = {};
  let o = out;
  keys.slice(0, -1).forEach((k) => (o = o[k] = {} as Record<string, unknown>));
  o[keys.at(-1)!] = value;
  return out;
}

function merge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = typeof v === "object" && v && typeof out[k] === "object" ? merge(out[k], v) : v;
  return out;
}

const KATA_ON = { runtimes: { kata: { enabled: true } } };

describe("runtime classes", () => {
  it("locally: gVisor's class by default; Kata's, with its VM overhead and node selector, once enabled; all valid objects", () => {
    const def = synthAll(testEnvironment("local"));
    const rcs = def.charts.get(CHART_IDS.runtimeClasses)!;
    expect(rcs.map((o) => [o.metadata!.name, (o as any).handler, (o as any).overhead])).toEqual([["gvisor", "runsc", undefined]]);
    const kata = synthAll(testEnvironment("local", KATA_ON)).charts.get(CHART_IDS.runtimeClasses)!;
    const k = kata.find((o) => o.metadata!.name === "kata") as any;
    expect(k.handler).toBe("kata");
    expect(k.overhead).toEqual({ podFixed: { cpu: "250m", memory: "160Mi" } });
    expect(k.scheduling).toEqual({ nodeSelector: { "katacontainers.io/kata-runtime": "true" } });
    expect(new ManifestValidator().validateAll(kata)).toEqual([]);
    const none = synthAll(testEnvironment("local", { runtimes: { gvisor: { enabled: false } }, faas: { executors: { runtime: "runc" } } }));
    expect(none.charts.has(CHART_IDS.runtimeClasses)).toBe(false);
  });

  it("on ACK: no class of its own (ACK brings runv with its sandboxed node pool)", () => {
    expect(synthAll(testEnvironment("ack-managed")).charts.has(CHART_IDS.runtimeClasses)).toBe(false);
  });

  it("every workload under Kata still passes the schema and Pod Security restricted", () => {
    const all = Object.fromEntries(workloadRuntimes(testEnvironment("local").config as any).map((w) => [w.path, "kata"]));
    let override: Record<string, any> = KATA_ON;
    for (const path of Object.keys(all)) override = merge(override, at(path, "kata"));
    const out = synthAll(testEnvironment("local", override));
    const pods = podSpecsOf(out.all);
    const sandboxed = pods.filter((p) => p.spec.runtimeClassName === "kata");
    // Everything but the platform's own (CNI, metrics-server) and the executors' pre-pull DaemonSet.
    expect(sandboxed.map((p) => p.where).sort()).toEqual(
      [
        "Deployment web/web",
        "Deployment faas/oauth2-proxy",
        "Deployment faas/frontend",
        "Deployment faas/middleware",
        "StatefulSet faas/nats",
        "PodTemplate faas-executors/executor-go",
        "PodTemplate faas-executors/executor-javascript",
        "PodTemplate faas-executors/executor-c",
      ].sort(),
    );
    for (const p of sandboxed) expect({ where: p.where, violations: restrictedViolations(p.spec, p.metadata) }).toEqual({ where: p.where, violations: [] });
    expect(
      new ManifestValidator().validateAll(
        out.all.filter((o) => !o.apiVersion.includes("projectcalico") && !o.apiVersion.includes("tigera") && !o.apiVersion.includes("metallb")),
      ),
    ).toEqual([]);
  });
});

describe("choosing a runtime per workload", () => {
  const local = testEnvironment("local");
  const workloads = workloadRuntimes(local.config);
  const base = classes(local);

  it.each(workloads.map((w) => [w.path, w.runtime]))("changing %s changes exactly that workload's runtimeClassName", (path, current) => {
    const next = current === "runc" ? "gvisor" : "runc";
    const changed = classes(testEnvironment("local", at(path, next)));
    const diff = [...base.keys()].filter((k) => base.get(k) !== changed.get(k));
    expect(diff.length).toBeGreaterThan(0);
    for (const k of diff) expect(changed.get(k)).toBe(next === "runc" ? "" : "gvisor");
    const owner: Record<string, RegExp> = {
      "webApp.runtime": /^Deployment web\/web$/,
      "faas.oauth2Proxy.runtime": /^Deployment faas\/oauth2-proxy$/,
      "faas.frontend.runtime": /^Deployment faas\/frontend$/,
      "faas.middleware.runtime": /^Deployment faas\/middleware$/,
      "faas.nats.runtime": /^StatefulSet faas\/nats$/,
      "faas.executors.runtime": /^PodTemplate faas-executors\/executor-(go|javascript|c)$/,
    };
    expect(diff.every((k) => owner[path]!.test(k))).toBe(true);
    expect(diff).toHaveLength(path === "faas.executors.runtime" ? 3 : 1);
  });

  // In-process (test/config/config-file.test.ts runs the config command's real entry point).
  it("npm run -s config -- local shows every workload's runtime", async () => {
    const r = await runCommandIn(configMain, ["local"], scratchDir());
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as Record<string, any>;
    const get = (path: string) => path.split(".").reduce((o, k) => o?.[k], shown);
    expect(Object.fromEntries(workloads.map((w) => [w.path, get(w.path)]))).toEqual({
      "webApp.runtime": "runc",
      "faas.oauth2Proxy.runtime": "runc",
      "faas.frontend.runtime": "runc",
      "faas.middleware.runtime": "runc",
      "faas.nats.runtime": "runc",
      "faas.executors.runtime": "gvisor",
    });
    expect(shown.runtimes).toEqual({ gvisor: { enabled: true }, kata: { enabled: false } });
  });
});

describe("validation refuses a runtime the environment does not install", () => {
  it("kata without enabling it, for any workload, names the field and how to enable it", () => {
    for (const w of workloadRuntimes(testEnvironment("local").config)) {
      expect(problems("local", at(w.path, "kata"))).toEqual([
        expect.stringMatching(
          new RegExp(`^local\\.${w.path.replace(/\./g, "\\.")}: kata is not installed in this environment .*runtimes\\.kata\\.enabled: true`),
        ),
      ]);
    }
    expect(problems("local", merge(KATA_ON, at("faas.executors.runtime", "kata")))).toEqual([]);
  });

  it("gVisor switched off while the executors still use it; an unknown runtime", () => {
    expect(problems("local", { runtimes: { gvisor: { enabled: false } } })).toEqual([
      expect.stringMatching(/^local\.faas\.executors\.runtime: gvisor is not installed .*runtimes\.gvisor\.enabled: true/),
    ]);
    expect(problems("local", at("faas.nats.runtime", "crun"))).toEqual([
      expect.stringMatching(/^local\.faas\.nats\.runtime: must be one of runc, gvisor, kata/),
    ]);
    expect(RUNTIMES).toEqual(["runc", "gvisor", "kata"]);
  });

  it("on ACK: no gVisor, Kata only with the sandboxed node pool, which ACK offers up to 1.34 on bare metal only", () => {
    expect(problems("ack-managed", at("faas.executors.runtime", "gvisor"))).toEqual([
      expect.stringMatching(/^ack-managed\.faas\.executors\.runtime: gvisor is not installed .*ACK offers no gVisor node pool/),
    ]);
    expect(problems("ack-managed", at("webApp.runtime", "kata"))).toEqual([
      expect.stringMatching(/^ack-managed\.webApp\.runtime: kata is not installed .*sandboxedNodePool\.enabled: true/),
    ]);
    expect(problems("ack-managed", { sandboxedNodePool: { enabled: true, instanceTypes: ["ecs.g7.xlarge"] } })).toEqual([
      expect.stringMatching(
        /^ack-managed\.sandboxedNodePool\.enabled: ACK creates sandboxed-container node pools on Kubernetes up to 1\.34 only, and this cluster runs 1\.35/,
      ),
      expect.stringMatching(/^ack-managed\.sandboxedNodePool\.instanceTypes\.0: ecs\.g7\.xlarge is not an ECS Bare Metal type/),
    ]);
  });
});
