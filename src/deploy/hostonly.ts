/**
 * The host-only interface the local VMs attach to must already exist with the configured host
 * address (the VirtualBox provider does not create it). Parsed from `VBoxManage list hostonlyifs`.
 */
import type { LocalConfig } from "../config/schema";
import { netmask, parseCidr } from "../config/ipv4";

export interface HostOnlyInterface {
  readonly name: string;
  readonly ipAddress?: string;
  readonly networkMask?: string;
}

/** Parses the blank-line separated `Key: value` blocks of `VBoxManage list hostonlyifs`. */
export function parseHostOnlyIfs(output: string): HostOnlyInterface[] {
  const result: HostOnlyInterface[] = [];
  let current: { name?: string; ipAddress?: string; networkMask?: string } = {};
  const flush = () => {
    if (current.name) result.push({ name: current.name, ipAddress: current.ipAddress, networkMask: current.networkMask });
    current = {};
  };
  for (const line of output.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9]+):\s*(.*)$/.exec(line.trim());
    if (!m) {
      if (!line.trim()) flush();
      continue;
    }
    const [, key, value] = m;
    if (key === "Name") {
      flush();
      current.name = value!.trim();
    } else if (key === "IPAddress") current.ipAddress = value!.trim();
    else if (key === "NetworkMask") current.networkMask = value!.trim();
  }
  flush();
  return result;
}

/** Problems with the configured host-only interface, each with the command that fixes it. */
export function hostOnlyProblems(config: LocalConfig, interfaces: readonly HostOnlyInterface[]): string[] {
  const { hostInterface, hostIp, cidr } = config.network;
  const mask = netmask(parseCidr(cidr)?.prefix ?? 24);
  const ipconfig = `VBoxManage hostonlyif ipconfig ${hostInterface} --ip ${hostIp} --netmask ${mask}`;
  const found = interfaces.find((i) => i.name === hostInterface);
  if (!found) {
    const others = interfaces.length ? ` (found: ${interfaces.map((i) => `${i.name} ${i.ipAddress ?? "no address"}`).join(", ")})` : "";
    return [
      `VirtualBox host-only interface ${hostInterface} does not exist${others}; create it with \`VBoxManage hostonlyif create\` and then \`${ipconfig}\` (if VirtualBox names it differently, set local.network.hostInterface to that name)`,
    ];
  }
  const problems: string[] = [];
  if (found.ipAddress !== hostIp) {
    problems.push(
      `host-only interface ${hostInterface} has address ${found.ipAddress ?? "(none)"}, but local.network.hostIp is ${hostIp}; fix it with \`${ipconfig}\``,
    );
  } else if (found.networkMask && found.networkMask !== mask) {
    problems.push(
      `host-only interface ${hostInterface} has netmask ${found.networkMask}, but local.network.cidr ${cidr} needs ${mask}; fix it with \`${ipconfig}\``,
    );
  }
  return problems;
}
