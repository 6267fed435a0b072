/**
 * `npm run synth`: validates the configuration, then synthesizes Terraform JSON for every stack
 * (cdktf.out/stacks/<env>/cdk.tf.json) and manifests for every environment (dist/<env>/*.k8s.yaml).
 *
 * Also the app behind `cdktf synth|deploy` (cdktf.json) and `cdk8s synth` (cdk8s.yaml): those CLIs
 * set CDKTF_OUTDIR / CDK8S_OUTDIR and then get only their half, written where they expect it.
 */
import { resolve } from "node:path";
import { runCli } from "./errors";
import { runSynth } from "./synth/run";

void runCli(() => {
  const started = performance.now();
  // CLUSTERKIT_ROOT lets tests synthesize into a scratch folder instead of the checkout.
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  const cdktfOut = process.env.CDKTF_OUTDIR;
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  const ctx = runSynth(process.env, root);
  for (const w of ctx.warnings) process.stderr.write(`WARNING: ${w}\n`);
  const what = [cdk8sOut ? undefined : "cdktf.out/stacks/*/cdk.tf.json", cdktfOut ? undefined : "dist/*/*.k8s.yaml"].filter(Boolean).join(" and ");
  process.stdout.write(`clusterkit: synthesized ${what} in ${Math.round(performance.now() - started)} ms\n`);
});
