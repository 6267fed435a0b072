/**
 * The apply plan: our manifest files in name order (their two-digit prefixes are the apply order,
 * src/contracts/chart-ids.ts), with each pinned upstream install slotted in right before the first file whose
 * name starts with (or sorts after) its `before` prefix, the workload Secrets right before the
 * FaaS chart, and, where we install the CNI ourselves, a wait for Ready nodes right after it.
 */
import type { UpstreamInstall } from "../config/upstream";
import type { ImageDelivery } from "./images";
import type { ResolvedSecret } from "./secret-values";

export type ApplyStep =
  | { readonly kind: "upstream"; readonly install: UpstreamInstall }
  | { readonly kind: "manifest"; readonly file: string }
  | { readonly kind: "images"; readonly images: readonly ImageDelivery[] }
  | { readonly kind: "secrets"; readonly secrets: readonly ResolvedSecret[] }
  | { readonly kind: "nodes-ready" };

export interface PlanOptions {
  /** Manifest file names (`NN-name.k8s.yaml`), any order. */
  readonly files: readonly string[];
  /** Pinned installs in table order. @default none */
  readonly installs?: readonly UpstreamInstall[];
  /** Secrets to create, and the chart id they must exist before. @default none */
  readonly secrets?: { readonly values: readonly ResolvedSecret[]; readonly before: string };
  /** Images to push, and the chart id that needs them (they are pushed right before it). @default none */
  readonly images?: { readonly values: readonly ImageDelivery[]; readonly before: string };
  /** Chart id after which to wait for Ready nodes (the CNI chart, locally). @default no wait */
  readonly nodesReadyAfter?: string;
}

/** Index of the first file at or after `prefix` in name order (files.length when none). */
function slot(sorted: readonly string[], prefix: string): number {
  const i = sorted.findIndex((f) => f.startsWith(prefix) || f > prefix);
  return i === -1 ? sorted.length : i;
}

export function planApply(opts: PlanOptions): ApplyStep[] {
  const files = [...opts.files].sort();
  const before = new Map<number, ApplyStep[]>();
  const add = (at: number, step: ApplyStep) => before.set(at, [...(before.get(at) ?? []), step]);
  for (const install of opts.installs ?? []) add(slot(files, install.before), { kind: "upstream", install });
  if (opts.images && opts.images.values.length) add(slot(files, opts.images.before), { kind: "images", images: opts.images.values });
  if (opts.secrets && opts.secrets.values.length) add(slot(files, opts.secrets.before), { kind: "secrets", secrets: opts.secrets.values });
  const steps: ApplyStep[] = [];
  files.forEach((file, i) => {
    steps.push(...(before.get(i) ?? []), { kind: "manifest", file });
    if (opts.nodesReadyAfter && file.startsWith(opts.nodesReadyAfter)) steps.push({ kind: "nodes-ready" });
  });
  steps.push(...(before.get(files.length) ?? []));
  if (opts.nodesReadyAfter && !steps.some((s) => s.kind === "nodes-ready")) steps.unshift({ kind: "nodes-ready" });
  return steps;
}

/** One line per step, for `--plan` output and logs. */
export function describeStep(step: ApplyStep): string {
  switch (step.kind) {
    case "upstream":
      return `upstream ${step.install.id} (${step.install.serverSide ? "server-side " : ""}apply, then wait for ${step.install.waitFor.map(describeWait).join(", ") || "nothing"})`;
    case "manifest":
      return `manifest ${step.file}`;
    case "images":
      return `push images ${step.images.map((i) => i.reference).join(", ")}`;
    case "secrets":
      return `Secrets ${step.secrets.map((s) => `${s.spec.namespace}/${s.spec.name}`).join(", ")}`;
    case "nodes-ready":
      return "wait for every node Ready";
  }
}

export function describeWait(w: UpstreamInstall["waitFor"][number]): string {
  return w.kind === "crd" ? `CRD ${w.name} Established` : `Deployment ${w.namespace}/${w.name} Available`;
}
