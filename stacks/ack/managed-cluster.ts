/** ACK managed (Pro or Basic): Alibaba runs the control plane on our node vSwitches. */
import { Construct } from "constructs";
import { CsManagedKubernetes } from "../../.gen/providers/alicloud/cs-managed-kubernetes";
import type { AckConfig } from "../../src/config/schema";
import { kubernetesRelease } from "../../src/config/versions";
import { type AckCluster, apiServerEndpoint } from "./cluster";
import { clusterNetworkArgs } from "./cluster-network";
import type { AckNetwork } from "./network";

export interface ManagedClusterProps {
  readonly config: AckConfig;
  readonly network: AckNetwork;
  readonly warnings: string[];
}

export class ManagedCluster extends Construct implements AckCluster {
  readonly cluster: CsManagedKubernetes;

  constructor(scope: Construct, id: string, props: ManagedClusterProps) {
    super(scope, id);
    const { config, network } = props;
    this.cluster = new CsManagedKubernetes(this, "cluster", {
      name: config.cluster.name,
      clusterSpec: config.cluster.spec,
      version: kubernetesRelease(config.kubernetes.version).ack,
      vswitchIds: network.nodeVswitches.map((v) => v.vswitch.id),
      ...clusterNetworkArgs(config, network, props.warnings),
      tags: config.tags,
    });
  }

  get id(): string {
    return this.cluster.id;
  }

  apiServer(publicEndpoint: boolean): string {
    return apiServerEndpoint(this.cluster.connections, publicEndpoint);
  }
}
