/**
 * The one resources policy of every container in every chart.
 *
 * - Requests always: the scheduler places Pods by them, and the HPAs' CPU utilization is a
 *   percentage of them (without one an HPA reports `missing request for cpu` and never scales).
 * - A memory limit always, equal to the request unless a burst is stated: memory cannot be taken
 *   back, so a container over its limit is OOM-killed alone instead of pushing its node's
 *   neighbours into eviction.
 * - No CPU limit on trusted workloads: CPU is compressible, and under contention the shares the
 *   requests give already divide it fairly, while a CFS limit throttles a container even on an idle
 *   node, which shows up as latency spikes on the request path (oauth2-proxy → frontend → NATS →
 *   middleware) and as probes timing out under load.
 * - The exception, `guaranteed()`: Pods running untrusted code, and every Pod of the executor
 *   namespace, get CPU and memory limits equal to their requests. A job's CPU is part of its
 *   contract, and the namespace's ResourceQuota bounds the sum of the limits.
 */
import { k8s } from "../../../src/lib/k8s";

export interface ResourceSpec {
  /** CPU request, e.g. `50m`. */
  readonly cpu: string;
  /** Memory request, e.g. `64Mi`. */
  readonly memory: string;
  /** Memory limit, for a container whose use bursts above its steady state. @default equal to `memory` */
  readonly memoryLimit?: string;
}

/** Requests, and a memory limit; no CPU limit (see above). */
export function resources(spec: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(spec.cpu), memory: k8s.Quantity.fromString(spec.memory) },
    limits: { memory: k8s.Quantity.fromString(spec.memoryLimit ?? spec.memory) },
  };
}

/** Limits equal to requests, CPU included (Guaranteed QoS): for untrusted or quota-bound Pods only. */
export function guaranteed(spec: { readonly cpu: string; readonly memory: string }): k8s.ResourceRequirements {
  const q = { cpu: k8s.Quantity.fromString(spec.cpu), memory: k8s.Quantity.fromString(spec.memory) };
  return { requests: q, limits: { ...q } };
}
