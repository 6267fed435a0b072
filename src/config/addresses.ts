/**
 * The local environment's addresses are written as host numbers inside `network.cidr` (the
 * control plane is host 11: 192.168.60.11 in 192.168.60.0/24), so changing the network alone
 * moves every VM, the host's address and the MetalLB pool. An explicit address wins over a host
 * number (a host number that gives the same address stays beside it, so `npm run config` output
 * read back is unchanged). This turns the written config into one where every address is an IPv4 string; the
 * rules in rules.ts then check the result exactly as they check explicit addresses.
 */
import { hostAddress, parseCidr } from "./ipv4";
import type { LocalConfig, LocalConfigInput, VmConfig } from "./schema";

/** The host's own address when not given: the first host of the network (VirtualBox's convention, .1). */
const HOST_IP_HOST_NUMBER = 1;

type VmInput = LocalConfigInput["controlPlane"];

function resolveVm<T extends VmInput>(vm: T, cidrText: string): Omit<T, "ip"> & VmConfig {
  if (vm.ip !== undefined && (vm.hostNumber === undefined || fromHostNumber(cidrText, vm.hostNumber) !== vm.ip)) {
    // An explicit address wins; dropping a host number that disagrees keeps `npm run config` unambiguous.
    const { hostNumber: _drop, ...rest } = vm;
    return { ...rest, ip: vm.ip } as unknown as Omit<T, "ip"> & VmConfig;
  }
  return { ...vm, ip: fromHostNumber(cidrText, vm.hostNumber!) };
}

/** `cidr`'s address for `n`; for a CIDR the schema already refused, an address that fails every rule. */
export function fromHostNumber(cidrText: string, n: number): string {
  const cidr = parseCidr(cidrText);
  return cidr ? hostAddress(cidr, n) : "0.0.0.0";
}

/** Whether a host number stays beside an address: it is given, and no written address contradicts it. */
function agrees(cidr: string, n: number | undefined, ip: string | undefined): boolean {
  return n !== undefined && (ip === undefined || fromHostNumber(cidr, n) === ip);
}

/** Every address of `input` resolved (the schema guarantees each VM and pool end has one or the other). */
export function resolveLocalAddresses(input: LocalConfigInput): LocalConfig {
  const cidr = input.network.cidr;
  const { metallb } = input;
  return {
    ...input,
    network: { ...input.network, hostIp: input.network.hostIp ?? fromHostNumber(cidr, HOST_IP_HOST_NUMBER) },
    controlPlane: resolveVm(input.controlPlane, cidr),
    workers: input.workers.map((w) => resolveVm(w, cidr)),
    nfs: resolveVm(input.nfs, cidr),
    metallb: {
      ...(agrees(cidr, metallb.firstHostNumber, metallb.addressStart) ? { firstHostNumber: metallb.firstHostNumber } : {}),
      ...(agrees(cidr, metallb.lastHostNumber, metallb.addressEnd) ? { lastHostNumber: metallb.lastHostNumber } : {}),
      addressStart: metallb.addressStart ?? fromHostNumber(cidr, metallb.firstHostNumber!),
      addressEnd: metallb.addressEnd ?? fromHostNumber(cidr, metallb.lastHostNumber!),
    },
  };
}

/**
 * Where an address came from, for messages: `controlPlane.hostNumber` and "192.168.60.11 (host
 * number 11)" when derived, `controlPlane.ip` and the address when written.
 */
export function addressField(path: string, vm: { readonly ip: string; readonly hostNumber?: number }): { path: string; shown: string } {
  return vm.hostNumber !== undefined
    ? { path: `${path}.hostNumber`, shown: `${vm.ip} (host number ${vm.hostNumber} of network.cidr)` }
    : { path: `${path}.ip`, shown: vm.ip };
}
