/**
 * Builds the manifests of one environment into `outdir`, one file per chart. Chart ids start
 * with a two-digit order (see `order.ts`), so applying the files in name order is correct; the
 * upstream installs in `src/config/upstream.ts` slot in before the file they name.
 */
import type { Environment } from "../src/config/schema";
import { App, YamlOutputType } from "../src/lib/k8s";
import type { SynthContext } from "../src/contracts/synth-context";
import type { StackOutputs } from "../src/contracts/stack-outputs";
import { addFaasCharts } from "./faas";
import { addPlatformCharts } from "./platform";
import { addRuntimeClassChart } from "./runtime-classes";
import { unenforcedPolicyWarning } from "./shared/network-policy";

/** `outputs`: the environment's stack outputs, an argument (charts never read state files); @default placeholders. */
export function addCharts(env: Environment, outdir: string, ctx: SynthContext, outputs?: StackOutputs): void {
  const policyWarning = unenforcedPolicyWarning(env);
  if (policyWarning) ctx.warnings.push(policyWarning);
  const app = new App({ outdir, outputFileExtension: ".k8s.yaml", yamlOutputType: YamlOutputType.FILE_PER_CHART });
  addRuntimeClassChart(app, env);
  addPlatformCharts(app, env, ctx, outputs);
  addFaasCharts(app, env, ctx);
  app.synth();
}
