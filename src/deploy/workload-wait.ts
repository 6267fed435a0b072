/**
 * The last step of deploy: every Deployment and StatefulSet in our manifests must be rolled out
 * and ready before "deployed" is printed. A wrong image tag, a missing RuntimeClass handler or a
 * PVC stuck Pending would otherwise still report success. While waiting it shows which workloads
 * are not ready and why (e.g. a Pod in ImagePullBackOff with its image); when the bounded wait
 * gives up, the error lists each one that is not ready.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manifestObjects } from "../lib/manifest-yaml";
import { UserError } from "../errors";
import { InterruptedError } from "./interrupt";
import type { Kubectl } from "./kubectl";
import { podListSchema, workloadSchema } from "./kubectl-json";
import { manifestFiles } from "./manifest-files";
import type { Reporter } from "./reporter";
import { type Clock, done, notYet, type RetryPolicy, waitUntil } from "./retry";

export interface Workload {
  readonly kind: "Deployment" | "StatefulSet";
  readonly namespace: string;
  readonly name: string;
  /** `spec.selector.matchLabels`, to find its Pods. */
  readonly selector: Readonly<Record<string, string>>;
}

interface ManifestObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { selector?: { matchLabels?: Record<string, string> } };
}

/** Every Deployment and StatefulSet in dist/<env>/*.k8s.yaml, in apply order. */
export function workloadsIn(manifestsDir: string): Workload[] {
  const out: Workload[] = [];
  for (const file of manifestFiles(manifestsDir)) {
    for (const doc of manifestObjects(readFileSync(join(manifestsDir, file), "utf8"))) {
      const obj = doc as ManifestObject | null;
      if ((obj?.kind === "Deployment" || obj?.kind === "StatefulSet") && obj.metadata?.name) {
        out.push({ kind: obj.kind, namespace: obj.metadata.namespace ?? "default", name: obj.metadata.name, selector: obj.spec?.selector?.matchLabels ?? {} });
      }
    }
  }
  return out;
}

const describeWorkload = (w: Workload) => `${w.kind} ${w.namespace}/${w.name}`;

/** The parts of a Deployment's or StatefulSet's status that say whether its rollout is complete. */
export interface WorkloadObject {
  readonly metadata: { readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly currentRevision?: string;
    readonly updateRevision?: string;
  };
}

/** Undefined when rolled out and ready, else what is missing (the same rules as `kubectl rollout status`). */
function notReadyReason(kind: Workload["kind"], obj: WorkloadObject): string | undefined {
  const want = obj.spec?.replicas ?? 1;
  const s = obj.status ?? {};
  if ((s.observedGeneration ?? 0) < (obj.metadata.generation ?? 0)) return "the controller has not seen the latest spec yet";
  if ((s.updatedReplicas ?? 0) < want) return `${s.updatedReplicas ?? 0}/${want} replicas updated`;
  if (kind === "Deployment") {
    if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return `${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas pending termination`;
    if ((s.availableReplicas ?? 0) < want) return `${s.availableReplicas ?? 0}/${want} replicas available`;
    return undefined;
  }
  if ((s.readyReplicas ?? 0) < want) return `${s.readyReplicas ?? 0}/${want} replicas ready`;
  if (s.updateRevision && s.currentRevision !== s.updateRevision) return "rolling update in progress";
  return undefined;
}

/** Waiting reasons that mean a Pod will not start without a fix (shown with the image or message). */
const STUCK = /ImagePullBackOff|ErrImagePull|InvalidImageName|CrashLoopBackOff|CreateContainerConfigError|CreateContainerError|RunContainerError/;

/** One line per Pod of the workload that is stuck, e.g. `pod frontend-7d9 ImagePullBackOff (image registry.example.com/x:1.0)`. */
export async function podProblems(kubectl: Kubectl, w: Workload): Promise<string[]> {
  const selector = Object.entries(w.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  if (!selector) return [];
  const pods = await kubectl.getJson(["pods", "-n", w.namespace, "-l", selector], podListSchema);
  const problems: string[] = [];
  for (const pod of pods?.items ?? []) {
    const name = pod.metadata?.name ?? "?";
    const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const c of containers) {
      const reason = c.state?.waiting?.reason;
      if (reason && STUCK.test(reason)) problems.push(`pod ${name} container ${c.name}: ${reason} (image ${c.image ?? "?"})`);
    }
    const unschedulable = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
    if (pod.status?.phase === "Pending" && unschedulable)
      problems.push(`pod ${name}: not scheduled (${unschedulable.reason ?? "?"}: ${unschedulable.message ?? ""})`.trim());
  }
  return problems;
}

/** Waits, bounded, until every workload is rolled out and ready; throws a UserError naming those that are not. */
export async function waitForWorkloads(workloads: readonly Workload[], kubectl: Kubectl, policy: RetryPolicy, clock: Clock, reporter: Reporter): Promise<void> {
  if (!workloads.length) return;
  reporter.step(`Waiting for the workload: ${workloads.length} Deployments/StatefulSets to be ready`);
  const pending = new Map(workloads.map((w) => [describeWorkload(w), w]));
  let lastShown = "";
  let lastDetails: string[] = [];
  try {
    await waitUntil(
      `the workload (${workloads.length} Deployments/StatefulSets) to be ready`,
      policy,
      async () => {
        const details: string[] = [];
        for (const [label, w] of pending) {
          const obj = await kubectl.getJson([w.kind === "Deployment" ? "deployment" : "statefulset", w.name, "-n", w.namespace], workloadSchema);
          const reason = obj ? notReadyReason(w.kind, obj) : "cannot read its status (kubectl get failed)";
          if (!reason) {
            pending.delete(label);
            reporter.info(`${label} ready`);
            continue;
          }
          const pods = await podProblems(kubectl, w);
          details.push(`${label}: ${reason}${pods.length ? `; ${pods.join("; ")}` : ""}`);
        }
        lastDetails = details;
        return pending.size === 0 ? done(undefined) : notYet(`ready ${workloads.length - pending.size}/${workloads.length}; not ready: ${details.join(" | ")}`);
      },
      {
        clock,
        onProgress: (s) => {
          if (s !== lastShown) reporter.progress(s);
          lastShown = s;
        },
      },
    );
  } catch (err) {
    // A stop request is not the workload's fault: it keeps its own message and exit status.
    if (!(err instanceof UserError) || err instanceof InterruptedError) throw err;
    const first = [...pending.values()][0];
    throw new UserError(`the workload is not ready: ${[...pending.keys()].join(", ")}; ${err.message.split("\n")[0]}`, [
      ...lastDetails,
      ...(first
        ? [
            `inspect with \`kubectl --kubeconfig ${kubectl.kubeconfig} -n ${first.namespace} describe ${first.kind.toLowerCase()}/${first.name}\` and \`... get pods\``,
          ]
        : []),
      "the cluster and everything applied stay as they are; fix the cause (an image tag that does not exist in your registry, a Pending volume) and run the same command again",
    ]);
  }
}
