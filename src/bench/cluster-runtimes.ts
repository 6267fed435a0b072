/** Which runtimes an environment installs, and the RuntimeClass that selects each. */
import type { RuntimeName } from "../config/runtimes";
import type { Environment } from "../config/schema";
import type { ClusterRuntime } from "./kube";

export function clusterRuntimes(env: Environment): Record<RuntimeName, ClusterRuntime> {
  const sandbox = env.config.faas.executors.sandbox;
  return {
    runc: {},
    gvisor: sandbox ? { runtimeClassName: "gvisor" } : { unavailable: `not installed in ${env.name}` },
    kata: { unavailable: `not installed in ${env.name}` },
  };
}
