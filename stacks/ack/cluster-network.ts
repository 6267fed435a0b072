/** Network settings shared by the managed and dedicated cluster resources. */
import type { AckConfig } from "../../src/config/schema";
import type { ITerraformDependable } from "../../src/lib/tf";
import { type ClusterAddon, clusterAddons, FLANNEL_WARNING } from "./addons";
import type { AckNetwork } from "./network";

export interface ClusterNetworkArgs {
  readonly podVswitchIds?: string[];
  readonly podCidr?: string;
  readonly serviceCidr: string;
  readonly clusterDomain: string;
  readonly proxyMode: string;
  readonly securityGroupId: string;
  /** Sent only when true (SDK v1 drops false); false leaves the API default, no NAT of ACK's own. */
  readonly newNatGateway: boolean;
  readonly slbInternetEnabled: boolean;
  readonly addons: ClusterAddon[];
  readonly deletionProtection: boolean;
  /** Nodes join only with egress, so the cluster waits for the SNAT entries. */
  readonly dependsOn: ITerraformDependable[];
}

/** CNI (Terway pod vSwitches or Flannel pod CIDR), service range, add-ons and egress wiring. */
export function clusterNetworkArgs(config: AckConfig, network: AckNetwork, warnings: string[]): ClusterNetworkArgs {
  const terway = config.cluster.cni === "terway";
  if (!terway) warnings.push(FLANNEL_WARNING);
  return {
    ...(terway ? { podVswitchIds: network.podVswitches.map((v) => v.vswitch.id) } : { podCidr: config.kubernetes.podCidr }),
    serviceCidr: config.kubernetes.serviceCidr,
    clusterDomain: config.kubernetes.clusterDomain,
    proxyMode: config.cluster.proxyMode,
    securityGroupId: network.securityGroup.id,
    newNatGateway: false,
    slbInternetEnabled: config.cluster.publicApiServer,
    addons: clusterAddons(config.cluster, network.nodeVswitches, warnings),
    deletionProtection: config.cluster.deletionProtection,
    dependsOn: network.snatEntries,
  };
}
