/**
 * ACK's sandboxed-container node pool (runtime `Sandboxed-Container.runv`, Kata-based): Pods with
 * `runtimeClassName: runv` — workloads configured `runtime: kata` — run there, each in its own
 * lightweight VM. ACK allows it only on ECS Bare Metal instances with Alibaba Cloud Linux 3 and
 * creates the `runv` RuntimeClass itself. A fixed size: bare-metal nodes are whole servers.
 */
import { Construct } from "constructs";
import { CsKubernetesNodePool } from "../../.gen/providers/alicloud/cs-kubernetes-node-pool";
import type { AckConfig } from "../../src/config/schema";
import { ACK_SANDBOX_RUNTIME } from "../../src/contracts/runtimes";
import { nodePoolBase, type NodePoolPlacement } from "./node-pool-base";

export interface AckSandboxedNodePoolProps extends NodePoolPlacement {
  readonly pool: AckConfig["sandboxedNodePool"];
}

export class AckSandboxedNodePool extends Construct {
  readonly nodePool: CsKubernetesNodePool;

  constructor(scope: Construct, id: string, props: AckSandboxedNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.nodePool = new CsKubernetesNodePool(this, "pool", {
      ...nodePoolBase(props, pool),
      systemDiskCategory: pool.systemDisk.category,
      systemDiskSize: pool.systemDisk.sizeGiB,
      // The only operating system ACK supports for sandboxed containers from Kubernetes 1.30 on.
      imageType: "AliyunLinux3",
      runtimeName: ACK_SANDBOX_RUNTIME,
      ...(pool.runtimeVersion ? { runtimeVersion: pool.runtimeVersion } : {}),
      labels: [{ key: "clusterkit.io/sandboxed", value: "runv" }],
    });
  }
}
