/**
 * A stateless workload: a Deployment spread across nodes, an optional CPU autoscaler, and a
 * one-at-a-time PodDisruptionBudget whenever more than one replica runs. Pods run as a fixed
 * non-root UID under Pod Security `restricted`, with no ServiceAccount token unless one is named
 * and no service-link environment variables.
 */
import { Construct } from "constructs";
import { k8s } from "../../../src/lib/k8s";
import { restrictedPod } from "../pod-security";
import { CpuAutoscaler } from "./autoscaler";
import { OneAtATimeBudget } from "./disruption-budget";
import { spreadAcrossNodes } from "./spread";

/** Autoscaling bounds and CPU target (the config's `hpa` sections have this shape). */
export interface AutoscalingBounds {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilization target, percent of the CPU requests. */
  readonly cpuUtilization: number;
}

export interface StatelessWorkloadProps {
  /** Name of the Deployment, its autoscaler and its budget. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of every object and of the Pods; the selector matches them exactly. */
  readonly labels: Readonly<Record<string, string>>;
  /** The containers; each sets its own securityContext and resources (shared/workload/resources.ts). */
  readonly containers: readonly k8s.Container[];
  /** Run to completion, in order, before the containers start. @default none */
  readonly initContainers?: readonly k8s.Container[];
  /** UID and GID the Pods run as (also the group owning their volumes). */
  readonly uid: number;
  /** Fixed replica count; ignored when `autoscaling` is set (the HPA owns replicas). @default 1 */
  readonly replicas?: number;
  /** Autoscaling bounds; the Deployment then leaves `replicas` to the HPA. @default no HPA */
  readonly autoscaling?: AutoscalingBounds;
  /** ServiceAccount whose token is mounted. @default none (no token mounted) */
  readonly serviceAccountName?: string;
  /** The Pods' volumes. @default none */
  readonly volumes?: readonly k8s.Volume[];
  /** The Pods' RuntimeClass (charts/runtime-classes.ts podRuntime). @default none: runc */
  readonly runtimeClassName?: string;
}

export class StatelessWorkload extends Construct {
  readonly deployment: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: StatelessWorkloadProps) {
    super(scope, id);
    const labels = { ...props.labels };
    const minReplicas = props.autoscaling ? props.autoscaling.minReplicas : (props.replicas ?? 1);
    this.deployment = new k8s.KubeDeployment(this, "deployment", {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        // With an HPA, `replicas` is omitted: a value would be re-applied on every deploy and undo
        // the autoscaler's scaling; the Deployment starts at 1 and the HPA raises it within a sync period.
        ...(props.autoscaling ? {} : { replicas: minReplicas }),
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...(props.runtimeClassName ? { runtimeClassName: props.runtimeClassName } : {}),
            ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
            automountServiceAccountToken: props.serviceAccountName !== undefined,
            enableServiceLinks: false,
            securityContext: restrictedPod(props.uid),
            topologySpreadConstraints: spreadAcrossNodes(labels),
            ...(props.initContainers?.length ? { initContainers: [...props.initContainers] } : {}),
            containers: [...props.containers],
            volumes: [...(props.volumes ?? [])],
          },
        },
      },
    });
    if (props.autoscaling) {
      new CpuAutoscaler(this, "autoscaler", { name: props.name, namespace: props.namespace, labels, ...pickBounds(props.autoscaling) });
    }
    if (minReplicas > 1) {
      new OneAtATimeBudget(this, "budget", { name: props.name, namespace: props.namespace, labels, podLabels: labels });
    }
  }
}

function pickBounds(b: AutoscalingBounds): AutoscalingBounds {
  return { minReplicas: b.minReplicas, maxReplicas: b.maxReplicas, cpuUtilization: b.cpuUtilization };
}
