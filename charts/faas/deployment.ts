/**
 * A stateless component of the workload (oauth2-proxy, the frontend, the middleware): the shared
 * StatelessWorkload with the component's labels and its writable scratch directories.
 */
import type { Construct } from "constructs";
import type { k8s } from "../../src/lib/k8s";
import { type AutoscalingBounds, StatelessWorkload } from "../shared/workload";
import { type Component, componentLabels } from "../../src/contracts/faas";

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
  readonly hpa?: AutoscalingBounds;
  /** ServiceAccount whose token is mounted. @default none (no token mounted) */
  readonly serviceAccountName?: string;
  /** Writable scratch directories (emptyDir), name -> mount path. @default { tmp: "/tmp" } */
  readonly scratch?: Readonly<Record<string, string>>;
  /** Further volumes (the container mounts them itself). @default none */
  readonly volumes?: readonly k8s.Volume[];
  /** The Pods' RuntimeClass (charts/runtime-classes.ts podRuntime). @default none: runc */
  readonly runtimeClassName?: string;
}

export class FaasDeployment extends StatelessWorkload {
  constructor(scope: Construct, id: string, props: FaasDeploymentProps) {
    const scratch = props.scratch ?? { tmp: "/tmp" };
    const container = props.container;
    super(scope, id, {
      name: props.component,
      namespace: props.namespace,
      labels: componentLabels(props.component),
      uid: props.uid,
      replicas: props.replicas,
      autoscaling: props.hpa,
      serviceAccountName: props.serviceAccountName,
      runtimeClassName: props.runtimeClassName,
      containers: [
        { ...container, volumeMounts: [...(container.volumeMounts ?? []), ...Object.entries(scratch).map(([name, mountPath]) => ({ name, mountPath }))] },
      ],
      volumes: [...Object.keys(scratch).map((name) => ({ name, emptyDir: {} })), ...(props.volumes ?? [])],
    });
  }
}
