/**
 * Whether the cluster will enforce the NetworkPolicies the charts write. Flannel does not (locally,
 * or on ACK where only Terway does); the policies are still synthesized so they take effect as soon
 * as the CNI changes, but synth must say loudly that the isolation is absent.
 */
import { factsOf } from "../../src/config/profiles";
import type { Environment } from "../../src/config/schema";

/** Whether the configured CNI enforces NetworkPolicy, its name, and the config field that chose it (the platform profile's facts). */
function cniEnforcesPolicy(env: Environment): { cni: string; enforces: boolean; field: string } {
  const { cni } = factsOf(env);
  return { cni: cni.name, enforces: cni.enforcesPolicy, field: cni.field };
}

/** The one warning synth prints for an environment whose CNI ignores NetworkPolicy, else undefined. */
export function unenforcedPolicyWarning(env: Environment): string | undefined {
  const { cni, enforces, field } = cniEnforcesPolicy(env);
  if (enforces) return undefined;
  const lost: string[] = [];
  if (env.config.faas.enabled) {
    lost.push(
      "the faas isolation (default deny, executors limited to NATS and DNS, only oauth2-proxy reachable from outside, API access only for the middleware): untrusted executor code can reach every pod and the API server",
    );
  }
  if (env.config.webApp.enabled) lost.push("the web app's default deny");
  const fix = factsOf(env).cni.fix;
  return `!!! ${env.name}: ${field} is "${cni}", which does NOT enforce NetworkPolicy. NOT in effect: ${lost.length ? lost.join("; ") : "any NetworkPolicy"}. Use ${fix} for real isolation.`;
}
