/** Builds the faas charts in memory from the default config plus overrides (no files written). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addFaasCharts } from "../../charts/faas";
import type { Environment, EnvironmentName } from "../../src/config/schema";
import { testEnvironment } from "../support/synth-charts";
import { App, Chart } from "../../src/lib/k8s";
import { newContext } from "../../src/contracts/synth-context";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

/** The validated environment with overrides (shared with the platform tests). */
export const environment: (name: EnvironmentName, overrides?: Record<string, unknown>) => Environment = testEnvironment;

export type LocalEnvironment = Extract<Environment, { kind: "local" }>;
export type AckEnvironment = Extract<Environment, { kind: "ack" }>;

export function localEnvironment(overrides: Record<string, unknown> = {}): LocalEnvironment {
  return environment("local", overrides) as LocalEnvironment;
}

export function ackEnvironment(name: "ack-managed" | "ack-dedicated", overrides: Record<string, unknown> = {}): AckEnvironment {
  return environment(name, overrides) as AckEnvironment;
}

export interface FaasSynth {
  readonly charts: Map<string, K8sObject[]>;
  readonly all: K8sObject[];
  readonly warnings: string[];
}

export function synthFaas(env: Environment): FaasSynth {
  const ctx = newContext(mkdtempSync(join(tmpdir(), "clusterkit-faas-")));
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "clusterkit-faas-out-")) });
  addFaasCharts(app, env, ctx);
  const charts = new Map<string, K8sObject[]>();
  for (const c of app.node.children) if (c instanceof Chart) charts.set(c.node.id, c.toJson() as K8sObject[]);
  return { charts, all: [...charts.values()].flat(), warnings: ctx.warnings };
}

export function find(objects: readonly K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind} ${namespace ?? "*"}/${name}`);
  return o;
}
