/**
 * A stateless component: Deployment spread across nodes, optional HPA, and a PodDisruptionBudget
 * when more than one replica runs. Used by oauth2-proxy, the frontend and the middleware.
 */
import type { Construct } from "constructs";
import type { HpaConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { type Component, componentLabels } from "./names";
import { restrictedPod } from "../shared/pod-security";

export interface FaasDeploymentProps {
  readonly component: Component;
  readonly namespace: string;
  /** The single application container (its securityContext is the caller's). */
  readonly container: k8s.Container;
  /** UID/GID the pod runs as. */
  readonly uid: number;
  /** Fixed replica count; ignored when `hpa` is set (the HPA owns replicas). @default 1 */
  readonly replicas?: number;
  /** Autoscaling bounds; the Deployment then leaves `replicas` to the HPA. @default no HPA */
  readonly hpa?: HpaConfig;
  /** ServiceAccount whose token is mounted. @default none (no token mounted) */
  readonly serviceAccountName?: string;
  /** Writable scratch directories (emptyDir), name -> mount path. @default { tmp: "/tmp" } */
  readonly scratch?: Readonly<Record<string, string>>;
  /** Further volumes (the container mounts them itself). @default none */
  readonly volumes?: readonly k8s.Volume[];
  /** The Pods' RuntimeClass (charts/runtime-classes.ts podRuntime). @default none: runc */
  readonly runtimeClassName?: string;
}

/** maxSkew 1 across hostnames, ScheduleAnyway: the documents' fix for pods piling onto one worker. */
export function spreadAcrossNodes(labels: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }];
}

export function addFaasDeployment(scope: Construct, props: FaasDeploymentProps): void {
  const labels = componentLabels(props.component);
  const scratch = props.scratch ?? { tmp: "/tmp" };
  const minReplicas = props.hpa ? props.hpa.minReplicas : (props.replicas ?? 1);
  const deployment = new k8s.KubeDeployment(scope, props.component, {
    metadata: { name: props.component, namespace: props.namespace, labels },
    spec: {
      // With an HPA, `replicas` is omitted so re-applying the manifest does not undo its scaling.
      ...(props.hpa ? {} : { replicas: minReplicas }),
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
          containers: [{ ...props.container, volumeMounts: [...(props.container.volumeMounts ?? []), ...Object.entries(scratch).map(([name, mountPath]) => ({ name, mountPath }))] }],
          volumes: [...Object.keys(scratch).map((name) => ({ name, emptyDir: {} })), ...(props.volumes ?? [])],
        },
      },
    },
  });
  if (props.hpa) {
    new k8s.KubeHorizontalPodAutoscalerV2(scope, `${props.component}-hpa`, {
      metadata: { name: props.component, namespace: props.namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.name },
        minReplicas: props.hpa.minReplicas,
        maxReplicas: props.hpa.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: props.hpa.cpuUtilization } } }],
      },
    });
  }
  if (minReplicas > 1) {
    new k8s.KubePodDisruptionBudget(scope, `${props.component}-pdb`, {
      metadata: { name: props.component, namespace: props.namespace, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });
  }
}
