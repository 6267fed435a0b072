/** The seed's `network-config` (netplan v2): DHCP on the NAT NIC, a static address on the host-only NIC. */
import { stringify } from "yaml";
import { parseCidr } from "../../../src/config/ipv4";
import type { LocalConfig } from "../../../src/config/schema";

export function networkConfig(config: LocalConfig, ip: string): string {
  const cidr = parseCidr(config.network.cidr);
  if (!cidr) throw new Error(`network.cidr ${config.network.cidr} is not a CIDR (validation should have caught this)`);
  return stringify({
    version: 2,
    ethernets: {
      // NAT (10.0.2.15 behind every VM's own NAT): the default route and DNS for internet access.
      [config.network.natInterface]: { dhcp4: true },
      // Host-only: static, and no gateway, so it never competes with the NAT default route.
      [config.network.guestInterface]: { dhcp4: false, addresses: [`${ip}/${cidr.prefix}`] },
    },
  });
}
