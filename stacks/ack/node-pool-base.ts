/**
 * What every ACK node pool of ours shares, whatever runs on it: spread over the zones, pay as you
 * go, key-pair login into our security group, and the per-Pod pids bound the executor contract
 * asks of every node (executors may land on any pool: runc/gVisor on the workers, Kata on the
 * sandboxed pool).
 */
import { POD_PIDS_LIMIT } from "../../service/contract/executor";

/** Shared by both pools' props. */
export interface NodePoolPlacement {
  readonly clusterId: string;
  /** Node vSwitch ids, one per zone. */
  readonly vswitchIds: string[];
  readonly securityGroupId: string;
  readonly keyName: string;
  readonly tags: Record<string, string>;
}

export function nodePoolBase(props: NodePoolPlacement, pool: { readonly name: string; readonly instanceTypes: string[]; readonly desiredSize: number }) {
  return {
    clusterId: props.clusterId,
    nodePoolName: pool.name,
    vswitchIds: props.vswitchIds,
    // Spread nodes evenly over the zones instead of filling the first one.
    multiAzPolicy: "BALANCE",
    instanceTypes: pool.instanceTypes,
    instanceChargeType: "PostPaid",
    // The provider parses desired_size from a string (schema type string).
    desiredSize: String(pool.desiredSize),
    keyName: props.keyName,
    securityGroupIds: [props.securityGroupId],
    tags: props.tags,
    // Bounds a fork bomb in an executor Pod (the chart cannot set a pids limit).
    kubeletConfiguration: { podPidsLimit: String(POD_PIDS_LIMIT) },
  };
}
