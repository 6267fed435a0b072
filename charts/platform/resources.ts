/** CPU/memory requests and limits: requests feed the scheduler and the HPA's utilization math. */
import { k8s } from "../../src/lib/k8s";

export interface ResourceSpec {
  /** CPU request, e.g. `50m`. */
  readonly cpu: string;
  /** Memory request, e.g. `64Mi`. */
  readonly memory: string;
  /** CPU limit; @default no CPU limit (throttling hurts latency more than it protects). */
  readonly cpuLimit?: string;
  /** Memory limit; @default equal to the request (a pod cannot grow into its neighbours). */
  readonly memoryLimit?: string;
}

export function resources(spec: ResourceSpec): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(spec.memoryLimit ?? spec.memory) };
  if (spec.cpuLimit) limits.cpu = k8s.Quantity.fromString(spec.cpuLimit);
  return {
    requests: { cpu: k8s.Quantity.fromString(spec.cpu), memory: k8s.Quantity.fromString(spec.memory) },
    limits,
  };
}
