/** Small accessors over synthesized platform objects, shared by the platform tests. */
import { addPlatformCharts } from "../../charts/platform";
import type { EnvironmentName } from "../../src/config/schema";
import type { StackOutputs } from "../../src/contracts/stack-outputs";
import type { ManifestObject } from "../support/k8s-validate";
import { type SynthesizedCharts, synthCharts, testEnvironment } from "../support/synth-charts";

/** `outputs`: the stack outputs passed in, as deploy does; @default none (not deployed: placeholders). */
export function synthPlatform(name: EnvironmentName, overrides: Record<string, unknown> = {}, outputs?: StackOutputs): SynthesizedCharts {
  return synthCharts(testEnvironment(name, overrides), (app, env, ctx) => addPlatformCharts(app, env, ctx, outputs));
}

// Structural views of the fields the tests read (the objects are plain JSON).
export interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] }; seccompProfile?: { type: string } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown> & { seccompProfile?: { type: string } };
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  topologySpreadConstraints?: { maxSkew: number; topologyKey: string; whenUnsatisfiable: string; labelSelector?: unknown }[];
}

export function ofKind(objects: readonly ManifestObject[], kind: string): ManifestObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: readonly ManifestObject[], kind: string, name?: string): ManifestObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0]!;
}

/** Reads a nested field by path (`spec.template.spec`). */
export function field<T>(o: unknown, path: string): T {
  return path.split(".").reduce<unknown>((acc, key) => (acc as Record<string, unknown> | undefined)?.[key], o) as T;
}

const WORKLOAD_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job"]);

/** Pod specs of every workload (and bare Pod) with the owning object. */
export function podSpecs(objects: readonly ManifestObject[]): { owner: ManifestObject; spec: PodSpec }[] {
  const out: { owner: ManifestObject; spec: PodSpec }[] = [];
  for (const o of objects) {
    if (WORKLOAD_KINDS.has(o.kind)) out.push({ owner: o, spec: field<PodSpec>(o, "spec.template.spec") });
    else if (o.kind === "Pod") out.push({ owner: o, spec: field<PodSpec>(o, "spec") });
    else if (o.kind === "CronJob") out.push({ owner: o, spec: field<PodSpec>(o, "spec.jobTemplate.spec.template.spec") });
  }
  return out;
}

/** Every container and init container, labelled `Kind/name:container`. */
export function allContainers(objects: readonly ManifestObject[]): { where: string; container: Container; init: boolean; pod: PodSpec }[] {
  return podSpecs(objects).flatMap(({ owner, spec }) => [
    ...(spec.initContainers ?? []).map((c) => ({ where: `${owner.kind}/${owner.metadata?.name}:${c.name}`, container: c, init: true, pod: spec })),
    ...spec.containers.map((c) => ({ where: `${owner.kind}/${owner.metadata?.name}:${c.name}`, container: c, init: false, pod: spec })),
  ]);
}

/** Every string value anywhere in an object tree. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}
