/**
 * Preflight for Kata Containers on the local environment: Kata runs each Pod in a VM, so the
 * VirtualBox VMs need nested hardware virtualization, which only some hosts can give. Refused
 * clearly, before anything is created, where it cannot work:
 * - Apple silicon (VirtualBox there has no nested virtualization);
 * - VirtualBox older than 6.1 (nested VT-x on Intel hosts arrived in 6.1);
 * - a host CPU without VT-x/AMD-V as VirtualBox sees it (`VBoxManage list hostinfo`), e.g. a host
 *   that is itself a VM without nested virtualization. On Windows, Hyper-V (WSL 2, Device Guard)
 *   takes VT-x from VirtualBox; that shows up here as no hardware virtualization, or only when
 *   the VMs restart (scripts/vbox-nested-virt.sh then fails and says so).
 */
import type { LocalConfig } from "../config/schema";
import { type Runner, tail } from "./runner";

const FIELD = "local.runtimes.kata.enabled";

export interface HostFacts {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
}

export async function kataHostProblems(
  config: LocalConfig,
  runner: Runner,
  host: HostFacts = { platform: process.platform, arch: process.arch },
): Promise<string[]> {
  if (!config.runtimes.kata.enabled) return [];
  const refuse = (why: string) =>
    `${FIELD}: ${why}; Kata cannot run in these VMs — set it to false (gVisor needs no virtualization), or deploy from a host that can (docs/runtimes.md#kata-containers)`;
  if (host.platform === "darwin" && host.arch === "arm64") return [refuse("VirtualBox on Apple silicon cannot give its VMs hardware virtualization")];
  const env = { LANG: "C", LC_ALL: "C" };
  const problems: string[] = [];
  const version = await runner.run("VBoxManage", ["--version"], { env });
  const m = /^(\d+)\.(\d+)/.exec(version.stdout.trim());
  if (version.code !== 0 || !m)
    problems.push(`${FIELD}: cannot read VirtualBox's version (\`VBoxManage --version\`: ${tail(version.stderr || version.stdout, 2)})`);
  else if (Number(m[1]) * 100 + Number(m[2]) < 601)
    problems.push(refuse(`VirtualBox ${m[1]}.${m[2]} has no nested VT-x for Intel hosts (6.1 or later needed, 7 recommended)`));
  const info = await runner.run("VBoxManage", ["list", "hostinfo"], { env });
  if (info.code !== 0) problems.push(`${FIELD}: \`VBoxManage list hostinfo\` failed (exit ${info.code}): ${tail(info.stderr, 2)}`);
  else {
    const flag = (label: string) => new RegExp(`^\\s*Processor supports ${label}:\\s*(yes|no)\\s*$`, "mi").exec(info.stdout)?.[1]?.toLowerCase();
    if (flag("HW virtualization") === "no")
      problems.push(
        refuse(
          "VirtualBox reports that this host's processor offers no hardware virtualization (VT-x/AMD-V off in the firmware, taken by Hyper-V, or the host is itself a VM)",
        ),
      );
    else if (flag("nested HW virtualization") === "no") problems.push(refuse("VirtualBox reports no nested hardware virtualization on this host"));
  }
  return problems;
}
