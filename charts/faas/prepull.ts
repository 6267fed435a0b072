/**
 * Executor image pre-pull: a DaemonSet in the executor namespace whose init containers (one per
 * executor image) run `true`, then a pause container idles. Every worker thus holds the images
 * before the first job, so a job's `activeDeadlineSeconds` never includes a gcc/golang pull.
 * It runs on worker nodes only (no toleration for the control-plane taint, and an explicit
 * affinity), restricted-compliant, no token, and no network (the executor namespace denies all
 * traffic; pulling is the kubelet's business, not the pod's).
 */
import { factsOf } from "../../src/config/profiles";
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import type { Environment } from "../../src/config/schema";
import { KUBERNETES_RELEASES } from "../../src/config/versions";
import { k8s } from "../../src/lib/k8s";
import { restrictedContainer, restrictedPod } from "../shared/pod-security";
import { guaranteed } from "../shared/workload";

const PREPULL_NAME = "executor-image-prepull";
/** The pause image's own user; init containers only run `true`. */
const PREPULL_UID = 65535;
/** Requests = limits of every pre-pull container: the pod does nothing. */
const PREPULL_RESOURCES = { cpu: "10m", memory: "16Mi" } as const;

function prepullLabels(): Record<string, string> {
  return { "app.kubernetes.io/name": PREPULL_NAME, "app.kubernetes.io/part-of": "faas" };
}

/** Most nodes the DaemonSet can run on (one pod each): the quota reserves that many pods. */
export function prepullNodeCount(env: Environment): number {
  return factsOf(env).maxWorkloadNodes;
}

export function pauseImage(env: Environment): string {
  const release = KUBERNETES_RELEASES[env.config.kubernetes.version];
  if (!release) throw new Error(`kubernetes.version ${env.config.kubernetes.version} has no release entry (config validation should have caught it)`);
  return IMAGES.pause(release.pauseTag);
}

function times(q: string, n: number): k8s.Quantity {
  const m = /^(\d+)(m|Mi)$/.exec(q);
  if (!m) throw new Error(`unexpected pre-pull quantity ${q}`);
  return k8s.Quantity.fromString(`${Number(m[1]) * n}${m[2]}`);
}

export interface ExecutorPrepullProps {
  /** The executor namespace. */
  readonly namespace: string;
  /** The executor images to pull, in order (one init container each). */
  readonly images: readonly { readonly name: string; readonly image: string }[];
  /** The idle container's image: the pause image the nodes already hold (pauseImage). */
  readonly pauseImage: string;
  /** Most nodes the DaemonSet can run on (prepullNodeCount); the quota admits one pod per node. */
  readonly nodes: number;
  /** Node labels the executors' runtime needs (its RuntimeClass's nodeSelector). @default none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

export class ExecutorPrepull extends Construct {
  constructor(scope: Construct, id: string, props: ExecutorPrepullProps) {
    super(scope, id);
    const labels = prepullLabels();
    const container = (name: string, image: string, command?: string[]): k8s.Container => ({
      name,
      image,
      imagePullPolicy: "IfNotPresent",
      ...(command ? { command } : {}),
      resources: guaranteed(PREPULL_RESOURCES),
      securityContext: restrictedContainer(PREPULL_UID),
    });
    new k8s.KubeDaemonSet(this, "executor-prepull", {
      metadata: { name: PREPULL_NAME, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        // A changed executor image is pulled everywhere soon after the chart is applied.
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString("50%") } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 1,
            securityContext: restrictedPod(PREPULL_UID),
            // Executors never run on the control plane; no toleration, and say so explicitly.
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" },
                        // Where the executors' runtime lives (Kata: labelled nodes), so images are pulled where jobs run.
                        ...Object.entries(props.nodeSelector ?? {}).map(([key, value]) => ({ key, operator: "In", values: [value] })),
                      ],
                    },
                  ],
                },
              },
            },
            // Pulling is the point: `true` exists in every executor image (busybox or coreutils).
            initContainers: props.images.map(({ name, image }) => container(`pull-${name}`, image, ["true"])),
            containers: [container("pause", props.pauseImage)],
          },
        },
      },
    });

    // Quota decision: the executor quota counts only pods WITH a deadline (scope Terminating), so the
    // pre-pull pods never take a job's slot; this one bounds the deadline-less pods (scope
    // NotTerminating) to one tiny pod per node, so nothing else without a deadline fits either.
    const nodes = props.nodes;
    new k8s.KubeResourceQuota(this, "executor-prepull-quota", {
      metadata: { name: `${PREPULL_NAME}-quota`, namespace: props.namespace, labels },
      spec: {
        scopes: ["NotTerminating"],
        hard: {
          pods: k8s.Quantity.fromNumber(nodes),
          "requests.cpu": times(PREPULL_RESOURCES.cpu, nodes),
          "limits.cpu": times(PREPULL_RESOURCES.cpu, nodes),
          "requests.memory": times(PREPULL_RESOURCES.memory, nodes),
          "limits.memory": times(PREPULL_RESOURCES.memory, nodes),
        },
      },
    });
  }
}
