/** A HorizontalPodAutoscaler (autoscaling/v2) on average CPU utilization. */
import type { Construct } from "constructs";
import { k8s } from "../../../src/lib/k8s";

export interface CpuAutoscalerProps {
  /** Name of the HPA; also the name of the Deployment it scales. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the HPA object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** What it scales. @default the Deployment called `name` */
  readonly target?: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilization target, percent of the Pods' CPU requests (which every container must set). */
  readonly cpuUtilization: number;
}

export class CpuAutoscaler extends k8s.KubeHorizontalPodAutoscalerV2 {
  constructor(scope: Construct, id: string, props: CpuAutoscalerProps) {
    super(scope, id, {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: {
        scaleTargetRef: props.target ?? { apiVersion: "apps/v1", kind: "Deployment", name: props.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: props.cpuUtilization } } }],
      },
    });
  }
}
