/** The worker node pool: multi-zone, optionally autoscaled, containerd, key-pair login only. */
import { Construct } from "constructs";
import { CsKubernetesNodePool } from "../../.gen/providers/alicloud/cs-kubernetes-node-pool";
import type { AckConfig } from "../../src/config/schema";
import { nodePoolBase, type NodePoolPlacement } from "./node-pool-base";

export interface AckNodePoolProps extends NodePoolPlacement {
  readonly pool: AckConfig["nodePool"];
}

export class AckNodePool extends Construct {
  readonly nodePool: CsKubernetesNodePool;

  constructor(scope: Construct, id: string, props: AckNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.nodePool = new CsKubernetesNodePool(this, "pool", {
      ...nodePoolBase(props, pool),
      // To switch autoscaling off, the block must be absent (a zero-valued block re-enables it).
      ...(pool.autoscaling.enabled
        ? { scalingConfig: { enable: true, minSize: pool.autoscaling.minSize, maxSize: pool.autoscaling.maxSize, type: "cpu" } }
        : {}),
      systemDiskCategory: pool.systemDisk.category,
      systemDiskSize: pool.systemDisk.sizeGiB,
      imageType: pool.imageType,
      // containerd at the version ACK pairs with the cluster's Kubernetes version.
      runtimeName: "containerd",
      labels: Object.entries(pool.labels).map(([key, value]) => ({ key, value })),
      taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    });
  }
}
