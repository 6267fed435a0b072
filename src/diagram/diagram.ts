/**
 * `npm run diagram -- <env>`: diagrams/<env>/architecture.svg and .png (plus the .dot source) from
 * the environment's configuration and its synthesized manifests. Not part of `npm run synth`,
 * which stays fast. Kept out of dist/, which synth and `cdk8s synth` delete and rewrite.
 */
import { factsOf } from "../config/profiles";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { manifestObjects } from "../lib/manifest-yaml";
import { environmentNamed } from "../config/load";
import type { Environment, EnvironmentConfigs, EnvironmentName } from "../config/schema";
import { manifestFiles } from "../deploy/manifest-files";
import { readStackOutputs } from "../synth/stack-outputs";
import { stackOutputsFrom } from "../contracts/stack-outputs";
import { synthesize } from "../synth/synth";
import { toDot } from "./dot";
import { infrastructure } from "./infrastructure";
import type { Diagram } from "./model";
import { dotToSvg, svgToPng } from "./render";
import { workloadGraph } from "./workload";

/** Every object in dist/<env>/*.k8s.yaml, in apply order. */
function readManifests(dir: string): unknown[] {
  return manifestFiles(dir).flatMap((f) => manifestObjects(readFileSync(join(dir, f), "utf8")));
}

export function buildDiagram(env: Environment, objects: readonly unknown[], outputs: Readonly<Record<string, string>> = {}): Diagram {
  const infra = infrastructure(env, outputs);
  const workload = workloadGraph(env, objects, infra);
  const c = env.config;
  const cni = factsOf(env).cni.name;
  const clusterLabel =
    env.kind === "local"
      ? `kubeadm cluster ${env.config.kubernetes.clusterName} · Kubernetes ${c.kubernetes.version} · ${cni} · pods ${c.kubernetes.podCidr} · services ${c.kubernetes.serviceCidr}`
      : `${factsOf(env).clusterLabel} ${env.config.cluster.name} · Kubernetes ${c.kubernetes.version} · ${cni}`;
  return {
    title: `clusterkit · ${env.name}`,
    notes: [
      "solid teal arrows: connections the NetworkPolicies allow (port labels); dashed pink: exposed to clients",
      ...(workload.enforced ? [] : [`WARNING: ${cni} does not enforce NetworkPolicy; the arrows show what the policies would allow, not what is blocked`]),
    ],
    nodes: infra.nodes,
    groups: [...infra.groups, { id: "k8s", kind: "cluster", label: clusterLabel, nodes: [], groups: workload.groups }],
    edges: [...infra.edges, ...workload.edges],
  };
}

export interface DiagramFiles {
  readonly dot: string;
  readonly svg: string;
  readonly png: string;
}

/** Where an environment's diagram goes: outside dist/, which `cdk8s synth` deletes before it runs. */
export function diagramDir(root: string, name: string): string {
  return join(root, "diagrams", name);
}

/**
 * The environment's diagram as configured now. Its manifests are always synthesized again first
 * (about a second): drawing machines from the current config next to a workload from an older
 * synth would show something that never gets built.
 */
export function currentDiagram(root: string, name: EnvironmentName, configs: EnvironmentConfigs): Diagram {
  const env = environmentNamed(configs, name);
  // The outputs the last deploy recorded, so the manifests drawn are the ones it applied.
  const outputs = readStackOutputs(root, name);
  synthesize(configs, { root, terraform: false, only: [name], outputs: outputs ? { [name]: stackOutputsFrom(outputs) } : {} });
  return buildDiagram(env, readManifests(join(root, "dist", name)), outputs ?? {});
}

/** Writes architecture.{dot,svg,png} of `currentDiagram` into diagrams/<env>. */
export async function writeDiagram(root: string, name: EnvironmentName, configs: EnvironmentConfigs): Promise<DiagramFiles> {
  const diagram = currentDiagram(root, name, configs);
  const dir = diagramDir(root, name);
  mkdirSync(dir, { recursive: true });
  const dot = toDot(diagram);
  const svg = await dotToSvg(dot);
  const files = { dot: join(dir, "architecture.dot"), svg: join(dir, "architecture.svg"), png: join(dir, "architecture.png") };
  writeFileSync(files.dot, dot);
  writeFileSync(files.svg, svg);
  writeFileSync(files.png, await svgToPng(svg));
  return files;
}
