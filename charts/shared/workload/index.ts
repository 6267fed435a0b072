/**
 * The workload toolkit every chart builds from (docs/charts.md): one resources policy, the CPU
 * autoscaler, topology spread, the one-at-a-time disruption budget, default-deny and DNS egress
 * NetworkPolicies, and the stateless Deployment that combines them.
 */
export { CpuAutoscaler, type CpuAutoscalerProps } from "./autoscaler";
export { OneAtATimeBudget, type OneAtATimeBudgetProps } from "./disruption-budget";
export { CLUSTER_DNS_PEER, DefaultDenyPolicy, DNS_PORT, DnsEgressPolicy, type NamespacePolicyProps } from "./isolation";
export { guaranteed, resources, type ResourceSpec } from "./resources";
export { spreadAcrossNodes } from "./spread";
export { type AutoscalingBounds, StatelessWorkload, type StatelessWorkloadProps } from "./stateless";
