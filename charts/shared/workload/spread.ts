/** Topology spread of a workload's Pods across nodes. */
import type { k8s } from "../../../src/lib/k8s";

/**
 * maxSkew 1 across hostnames, ScheduleAnyway: the documents' fix for Pods piling onto one worker.
 * ScheduleAnyway rather than DoNotSchedule, so a lab with fewer nodes than replicas still runs them all.
 */
export function spreadAcrossNodes(podLabels: Readonly<Record<string, string>>): k8s.TopologySpreadConstraint[] {
  return [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...podLabels } } }];
}
