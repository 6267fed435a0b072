/**
 * Whether this machine can run virtual machines with hardware virtualization, as Kata Containers
 * needs: /dev/kvm opens read-write, and the CPU advertises VT-x (vmx) or AMD-V (svm). A device node
 * alone is not enough (a VM without nested virtualization may still have /dev/kvm).
 */
import { closeSync, openSync, readFileSync } from "node:fs";

export function kvmUnavailable(cpuinfo = "/proc/cpuinfo", device = "/dev/kvm"): string | undefined {
  try {
    closeSync(openSync(device, "r+"));
  } catch (err) {
    return `no usable ${device} (${(err as NodeJS.ErrnoException).code ?? "error"})`;
  }
  let flags = "";
  try {
    flags = readFileSync(cpuinfo, "utf8");
  } catch {
    return `cannot read ${cpuinfo}`;
  }
  if (!/^flags\s*:.*\b(vmx|svm)\b/m.test(flags))
    return `the CPU offers no hardware virtualization (no vmx/svm flag in ${cpuinfo}; in a VM, nested virtualization is off)`;
  return undefined;
}
