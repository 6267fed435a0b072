/**
 * The code-execution workload, `60-faas` (its RuntimeClasses are in `05-runtime-classes`, see
 * charts/runtime-classes.ts). Nothing when faas is disabled.
 */
import type { Environment } from "../../src/config/schema";
import { type App, Chart } from "../../src/lib/k8s";
import type { SynthContext } from "../../src/synth/context";
import { CHART_IDS } from "../order";
import { addExecutors } from "./executors";
import { addFrontend } from "./frontend";
import { addMiddleware } from "./middleware";
import { addNamespaces } from "./namespaces";
import { addNats, natsPlacementWarning } from "./nats";
import { addNetworkPolicies } from "./network-policies";
import { addOauth2Proxy } from "./oauth2-proxy";
import { addExecutorPrepull } from "./prepull";
import { addMiddlewareRbac } from "./rbac";

export function addFaasCharts(app: App, env: Environment, ctx: SynthContext): void {
  const faas = env.config.faas;
  if (!faas.enabled) return;
  const placement = natsPlacementWarning(env);
  if (placement) ctx.warnings.push(placement);

  const chart = new Chart(app, CHART_IDS.faas);
  addNamespaces(chart, { faas, kubernetesMinor: env.config.kubernetes.version });
  addNetworkPolicies(chart, env, faas);
  addNats(chart, env);
  addMiddlewareRbac(chart, faas);
  addMiddleware(chart, env);
  addFrontend(chart, env);
  addOauth2Proxy(chart, env);
  addExecutors(chart, env);
  addExecutorPrepull(chart, env);
}
