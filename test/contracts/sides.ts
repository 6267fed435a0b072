/**
 * Both sides of every contract, as each side really produces them: the rendered cloud-init of the
 * local nodes, the synthesized Terraform of a stack, and the synthesized manifests of every chart.
 * The contract tests compare these outputs, never a constant with itself.
 */
import { addFaasCharts } from "../../charts/faas";
import { addPlatformCharts } from "../../charts/platform";
import { addRuntimeClassChart } from "../../charts/runtime-classes";
import type { AckConfig, Environment, LocalConfig } from "../../src/config/schema";
import { newContext } from "../../src/contracts/synth-context";
import { Testing } from "../../src/lib/tf";
import { AckStack } from "../../stacks/ack/ack-stack";
import { PROJECT_ROOT } from "../support/cli";
import { clusterNodes } from "../../src/contracts/local-nodes";
import type { ManifestObject } from "../support/k8s-validate";
import { synthCharts, testEnvironment } from "../support/synth-charts";
import { type CloudConfigDoc, parseUserData, renderAll, synthLocal, yamlDocuments } from "../local/support";
import type { AckEnv, TfJson } from "../ack/synth-ack";

/** Every chart's objects for an environment (what `npm run synth` writes to dist/<env>/). */
export function manifests(env: Environment): ManifestObject[] {
  return synthCharts(env, (app, e, ctx) => {
    addRuntimeClassChart(app, e);
    addPlatformCharts(app, e, ctx);
    addFaasCharts(app, e, ctx);
  }).all;
}

export interface LocalSides {
  readonly env: Environment & { kind: "local"; config: LocalConfig };
  /** Parsed user-data per node name, with the node's role. */
  readonly nodes: { readonly name: string; readonly role: string; readonly userData: CloudConfigDoc }[];
  readonly manifests: ManifestObject[];
}

export function localSides(overrides: Record<string, unknown> = {}): LocalSides {
  const env = testEnvironment("local", overrides) as LocalSides["env"];
  const seeds = renderAll(env.config);
  const nodes = clusterNodes(env.config).map((n) => ({ name: n.vm.name, role: n.role, userData: parseUserData(seeds.get(n.vm.name)!["user-data"]) }));
  return { env, nodes, manifests: manifests(env) };
}

/** The local stack's Terraform JSON. */
export function localTerraform(overrides: Record<string, unknown> = {}): TfJson {
  return synthLocal(overrides).json as unknown as TfJson;
}

export interface AckSides {
  readonly env: Environment;
  readonly terraform: TfJson;
  readonly manifests: ManifestObject[];
}

/**
 * `patch` changes the validated config, for variants validation refuses on the minors this project
 * creates (ACK's sandboxed node pool needs Kubernetes 1.34 or older).
 */
export function ackSides(name: AckEnv, overrides: Record<string, unknown> = {}, patch: (c: AckConfig) => AckConfig = (c) => c): AckSides {
  const config = patch(testEnvironment(name, overrides).config as AckConfig);
  const env: Environment = { name, kind: "ack", config };
  const stack = new AckStack(Testing.app(), name, { environment: name, config, ctx: newContext(PROJECT_ROOT) });
  return { env, terraform: JSON.parse(Testing.synth(stack)) as TfJson, manifests: manifests(env) };
}

/** The content of a node's write_files entry at `path`, or undefined. */
export function nodeFile(userData: CloudConfigDoc, path: string): string | undefined {
  return userData.write_files.find((w) => w.path === path)?.content;
}

/** Every YAML document of a write_files entry. */
export function nodeYaml(userData: CloudConfigDoc, path: string): Record<string, unknown>[] {
  const text = nodeFile(userData, path);
  return text === undefined ? [] : yamlDocuments(text);
}

const WORKLOADS: Record<string, string> = {
  Deployment: "spec.template.spec",
  DaemonSet: "spec.template.spec",
  StatefulSet: "spec.template.spec",
  Job: "spec.template.spec",
  Pod: "spec",
  PodTemplate: "template.spec",
  CronJob: "spec.jobTemplate.spec.template.spec",
};

/** Pod specs of every object that has one, with a label naming the object. */
export function podSpecs(objects: readonly ManifestObject[]): { where: string; spec: Record<string, unknown> }[] {
  const out: { where: string; spec: Record<string, unknown> }[] = [];
  for (const o of objects) {
    const path = WORKLOADS[o.kind];
    if (!path) continue;
    const spec = path.split(".").reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o) as Record<string, unknown> | undefined;
    if (spec) out.push({ where: `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`, spec });
  }
  return out;
}
