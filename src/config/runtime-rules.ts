/**
 * Runtime rules: a workload may only name a runtime its environment installs, and ACK's sandboxed
 * node pool must be something ACK can create. Paths are relative to the environment.
 */
import { runtimeSupport, workloadRuntimes } from "./runtimes";
import type { AckConfig, LocalConfig } from "./schema";
import { ACK_SANDBOX_MAX_MINOR } from "./versions";

type Report = (path: string, message: string) => void;

function minorValue(minor: string): number {
  const [major, m] = minor.split(".").map(Number);
  return (major ?? 0) * 1000 + (m ?? 0);
}

export function runtimeProblems(kind: "local" | "ack", c: LocalConfig | AckConfig, report: Report): void {
  const support = runtimeSupport(kind, c);
  for (const w of workloadRuntimes(c)) {
    const s = support[w.runtime];
    if (!s.installed) report(w.path, `${w.runtime} is not installed in this environment (the ${w.workload} cannot run under it): ${s.reason}`);
  }
  if (kind !== "ack") return;
  const pool = (c as AckConfig).sandboxedNodePool;
  if (!pool.enabled) return;
  if (minorValue(c.kubernetes.version) > minorValue(ACK_SANDBOX_MAX_MINOR)) {
    report(
      "sandboxedNodePool.enabled",
      `ACK creates sandboxed-container node pools on Kubernetes up to ${ACK_SANDBOX_MAX_MINOR} only, and this cluster runs ${c.kubernetes.version}; leave it off (docs/runtimes.md#ack)`,
    );
  }
  pool.instanceTypes.forEach((t, i) => {
    if (!/^ecs\.ebm/.test(t))
      report(`sandboxedNodePool.instanceTypes.${i}`, `${t} is not an ECS Bare Metal type (ecs.ebm*): ACK runs sandboxed containers on bare metal only`);
  });
}
