/**
 * The add-ons a new ACK cluster is created with: the CNI follows `cluster.cni`, the rest comes from
 * `cluster.addons`. ACK applies this list at creation only (later changes need
 * `alicloud_cs_kubernetes_addon`).
 */
import type { AckConfig } from "../../src/config/schema";
import type { ZonedVswitch } from "./network";

export interface ClusterAddon {
  readonly name: string;
  readonly config?: string;
  readonly disabled?: boolean;
}

/** Terway with its NetworkPolicy support switched on (Flannel has none). */
const TERWAY_ADDON = "terway-eniip";
const FLANNEL_ADDON = "flannel";
const CNI_FAMILIES = { terway: [TERWAY_ADDON, "terway-eni", "terway-controlplane"], flannel: [FLANNEL_ADDON] } as const;

export const FLANNEL_WARNING =
  "cluster.cni is flannel: Flannel on ACK does not enforce NetworkPolicy, so the namespace isolation in the manifests is not enforced; use terway (the default) for real isolation";

/** ALB Ingress config: an Internet ALB with one mapping per zone onto that zone's node vSwitch. */
function albIngressConfig(nodeVswitches: readonly ZonedVswitch[]): string {
  const zoneMappings: Record<string, string[]> = {};
  for (const v of nodeVswitches) zoneMappings[v.zone] = [v.vswitch.id];
  return JSON.stringify({ albIngress: { CreateDefaultALBConfig: true, AddressType: "Internet", ZoneMappings: zoneMappings } });
}

/**
 * The full add-on list: the CNI add-on first, then the configured ones. A configured entry for the
 * selected CNI replaces the default one (to pass your own config); entries for the other CNI are
 * dropped with a warning, since a cluster runs exactly one.
 */
export function clusterAddons(cluster: AckConfig["cluster"], nodeVswitches: readonly ZonedVswitch[], warnings: string[]): ClusterAddon[] {
  const cniName = cluster.cni === "terway" ? TERWAY_ADDON : FLANNEL_ADDON;
  const other = cluster.cni === "terway" ? "flannel" : "terway";
  const configuredCni = cluster.addons.find((a) => a.name === cniName);
  const cni: ClusterAddon =
    configuredCni ?? (cluster.cni === "terway" ? { name: TERWAY_ADDON, config: JSON.stringify({ NetworkPolicy: "true" }) } : { name: FLANNEL_ADDON });

  const rest: ClusterAddon[] = [];
  for (const a of cluster.addons) {
    if (a.name === cniName) continue;
    if ((CNI_FAMILIES[other] as readonly string[]).includes(a.name)) {
      warnings.push(`cluster.addons: ${a.name} ignored because cluster.cni is ${cluster.cni}`);
      continue;
    }
    const config = a.config ?? (a.name === "alb-ingress-controller" ? albIngressConfig(nodeVswitches) : undefined);
    rest.push({ name: a.name, ...(config !== undefined ? { config } : {}), ...(a.disabled !== undefined ? { disabled: a.disabled } : {}) });
  }
  return [cni, ...rest];
}
