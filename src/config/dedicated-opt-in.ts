/** The deploy-time gate for ACK dedicated, a discontinued cluster type. */
import type { AckConfig } from "./schema";

/**
 * The problem that blocks deploying `env`, or undefined when it may be deployed. Only a cluster of
 * `cluster.type: dedicated` needs the explicit `allowDedicatedDeploy: true`; synthesis never needs it.
 */
export function dedicatedDeployProblem(
  env: string,
  config: Pick<AckConfig, "allowDedicatedDeploy"> & { readonly cluster: Pick<AckConfig["cluster"], "type"> },
): string | undefined {
  if (config.cluster.type !== "dedicated" || config.allowDedicatedDeploy) return undefined;
  return (
    `${env}.allowDedicatedDeploy: must be true to deploy; Alibaba Cloud stopped creating ACK dedicated clusters on 2024-08-21 ` +
    "and the provider deprecates alicloud_cs_kubernetes since 1.276.0. Deploy a managed cluster instead (cluster.type: managed, as ack-managed), or set it to true if Alibaba enabled dedicated clusters for your account."
  );
}
