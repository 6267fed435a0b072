/**
 * What `npm run synth` does, as a function: load and validate the configuration named by the
 * environment, then synthesize. Nothing is written unless the configuration is valid.
 */
import { loadConfig } from "../config/load";
import type { EnvironmentName } from "../config/schema";
import type { SynthContext } from "../contracts/synth-context";
import { synthesize } from "./synth";

/** `only`: synthesize just these environments (tests; `npm run synth` does every one). */
export function runSynth(env: NodeJS.ProcessEnv, root: string, only?: readonly EnvironmentName[]): SynthContext {
  const configs = loadConfig(env);
  const cdktfOut = env.CDKTF_OUTDIR;
  const cdk8sOut = env.CDK8S_OUTDIR;
  return synthesize(configs, { root, terraform: !cdk8sOut, manifests: !cdktfOut, terraformOutdir: cdktfOut, manifestsOutdir: cdk8sOut, only });
}
