/** The worker node pool: multi-zone, optionally autoscaled, containerd, key-pair login only. */
import { Construct } from "constructs";
import { CsKubernetesNodePool } from "../../.gen/providers/alicloud/cs-kubernetes-node-pool";
import { POD_PIDS_LIMIT } from "../../service/contract/executor";
import type { AckConfig } from "../../src/config/schema";

export interface AckNodePoolProps {
  readonly clusterId: string;
  readonly pool: AckConfig["nodePool"];
  /** Node vSwitch ids, one per zone. */
  readonly vswitchIds: string[];
  readonly securityGroupId: string;
  readonly keyName: string;
  readonly tags: Record<string, string>;
}

export class AckNodePool extends Construct {
  readonly nodePool: CsKubernetesNodePool;

  constructor(scope: Construct, id: string, props: AckNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.nodePool = new CsKubernetesNodePool(this, "pool", {
      clusterId: props.clusterId,
      nodePoolName: pool.name,
      vswitchIds: props.vswitchIds,
      // Spread nodes evenly over the zones instead of filling the first one.
      multiAzPolicy: "BALANCE",
      instanceTypes: pool.instanceTypes,
      instanceChargeType: "PostPaid",
      // The provider parses desired_size from a string (schema type string).
      desiredSize: String(pool.desiredSize),
      // To switch autoscaling off, the block must be absent (a zero-valued block re-enables it).
      ...(pool.autoscaling.enabled
        ? { scalingConfig: { enable: true, minSize: pool.autoscaling.minSize, maxSize: pool.autoscaling.maxSize, type: "cpu" } }
        : {}),
      systemDiskCategory: pool.systemDisk.category,
      systemDiskSize: pool.systemDisk.sizeGiB,
      imageType: pool.imageType,
      // containerd at the version ACK pairs with the cluster's Kubernetes version.
      runtimeName: "containerd",
      keyName: props.keyName,
      securityGroupIds: [props.securityGroupId],
      labels: Object.entries(pool.labels).map(([key, value]) => ({ key, value })),
      taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      tags: props.tags,
      // Bounds a fork bomb in an executor Pod (the chart cannot set a pids limit).
      kubeletConfiguration: { podPidsLimit: String(POD_PIDS_LIMIT) },
    });
  }
}
