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

export interface AckSandboxedNodePoolProps {
  readonly clusterId: string;
  readonly pool: AckConfig["sandboxedNodePool"];
  readonly vswitchIds: string[];
  readonly securityGroupId: string;
  readonly keyName: string;
  readonly tags: Record<string, string>;
}

export class AckSandboxedNodePool extends Construct {
  readonly nodePool: CsKubernetesNodePool;

  constructor(scope: Construct, id: string, props: AckSandboxedNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.nodePool = new CsKubernetesNodePool(this, "pool", {
      clusterId: props.clusterId,
      nodePoolName: pool.name,
      vswitchIds: props.vswitchIds,
      multiAzPolicy: "BALANCE",
      instanceTypes: pool.instanceTypes,
      instanceChargeType: "PostPaid",
      desiredSize: String(pool.desiredSize),
      systemDiskCategory: pool.systemDisk.category,
      systemDiskSize: pool.systemDisk.sizeGiB,
      // The only operating system ACK supports for sandboxed containers from Kubernetes 1.30 on.
      imageType: "AliyunLinux3",
      runtimeName: ACK_SANDBOX_RUNTIME,
      ...(pool.runtimeVersion ? { runtimeVersion: pool.runtimeVersion } : {}),
      keyName: props.keyName,
      securityGroupIds: [props.securityGroupId],
      labels: [{ key: "clusterkit.io/sandboxed", value: "runv" }],
      tags: props.tags,
    });
  }
}
