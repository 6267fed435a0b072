/** Which runtimes an environment installs, and the RuntimeClass that selects each (src/config/runtimes.ts). */
import { RUNTIMES, type RuntimeName, runtimeSupport } from "../config/runtimes";
import type { Environment } from "../config/schema";
import type { ClusterRuntime } from "./kube";

export function clusterRuntimes(env: Environment): Record<RuntimeName, ClusterRuntime> {
  const support = runtimeSupport(env.kind, env.config);
  return Object.fromEntries(
    RUNTIMES.map((r): [RuntimeName, ClusterRuntime] => {
      const s = support[r];
      return [
        r,
        s.installed ? (s.runtimeClass ? { runtimeClassName: s.runtimeClass.name } : {}) : { unavailable: `not installed in ${env.name}: ${s.reason}` },
      ];
    }),
  ) as Record<RuntimeName, ClusterRuntime>;
}
