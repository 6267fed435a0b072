/**
 * Synthesizes charts in memory for tests: builds a cdk8s App, lets `add` register charts, and
 * returns each chart's objects by chart id (the manifest file name without `.k8s.yaml`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfigs } from "../../src/config/load";
import type { AckConfig, Environment, EnvironmentName, LocalConfig } from "../../src/config/schema";
import { App, Chart } from "../../src/lib/k8s";
import { type SynthContext, newContext } from "../../src/contracts/synth-context";
import type { ManifestObject } from "./k8s-validate";

/** The validated environment `name` with `overrides` (keyed like a CLUSTERKIT_CONFIG file entry). */
export function testEnvironment(name: EnvironmentName, overrides: Record<string, unknown> = {}): Environment {
  const { configs, problems } = validateConfigs({ [name]: overrides });
  if (!configs) throw new Error(`test config is invalid:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  if (name === "local") return { name, kind: "local", config: configs.local as LocalConfig };
  return { name, kind: "ack", config: configs[name] as AckConfig };
}

/** A context whose root is a fresh scratch folder (no stack outputs unless the test writes them). */
export function scratchContext(root = mkdtempSync(join(tmpdir(), "clusterkit-charts-"))): SynthContext {
  return newContext(root);
}

export interface SynthesizedCharts {
  /** Objects per chart id, in chart order. */
  readonly charts: ReadonlyMap<string, ManifestObject[]>;
  /** Every object of every chart. */
  readonly all: ManifestObject[];
  readonly ctx: SynthContext;
}

export function synthCharts(env: Environment, add: (app: App, env: Environment, ctx: SynthContext) => void, ctx = scratchContext()): SynthesizedCharts {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "clusterkit-cdk8s-")) });
  add(app, env, ctx);
  const charts = new Map<string, ManifestObject[]>();
  for (const chart of app.node.children) {
    if (chart instanceof Chart) charts.set(chart.node.id, chart.toJson() as ManifestObject[]);
  }
  return { charts, all: [...charts.values()].flat(), ctx };
}
