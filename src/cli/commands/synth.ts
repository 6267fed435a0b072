/**
 * `npm run synth [-- <environment>]`: validates the configuration, then synthesizes Terraform JSON
 * (cdktf.out/stacks/<env>/cdk.tf.json) and manifests (dist/<env>/*.k8s.yaml), for every
 * environment or only the one named. Also the app behind `cdktf synth|deploy` (cdktf.json) and
 * `cdk8s synth` (cdk8s.yaml): those CLIs set CDKTF_OUTDIR / CDK8S_OUTDIR and then get only their
 * half, written where they expect it.
 */
import { configuredEnvironmentNames } from "../../config/load";
import { PRESET_NAMES, type EnvironmentName } from "../../config/schema";
import { runSynth } from "../../synth/run";
import { type CommandSpec, helpText, parseCommandLine } from "../args";
import type { CliIo } from "../io";

const SYNTH_COMMAND: CommandSpec = {
  command: "npm run synth --",
  summary:
    "Validates the configuration, then writes Terraform JSON to cdktf.out/stacks/<environment>/cdk.tf.json and manifests to dist/<environment>/*.k8s.yaml (apply them in name order). Needs no cloud account, VirtualBox, cluster or network; never touches state/.",
  positionals: [
    {
      name: "environment",
      noun: "environment",
      optional: true,
      choices: PRESET_NAMES,
      moreChoices: "or one the CLUSTERKIT_CONFIG file adds",
      description: "synthesize only this environment; the others' output stays as it was (default: every environment)",
    },
  ],
  options: [],
  notes: ["CLUSTERKIT_CONFIG=<file> overrides the defaults (YAML or JSON keyed by environment); `npm run -s config -- <environment>` prints the result."],
  examples: ["npm run synth", "npm run synth -- local", "CLUSTERKIT_CONFIG=clusterkit.yaml npm run synth -- local"],
};

export function synthMain(argv: readonly string[], io: CliIo): number {
  const started = performance.now();
  const cl = parseCommandLine(SYNTH_COMMAND, argv, () => ({ environment: configuredEnvironmentNames(io.env) }));
  if (cl.help) {
    io.out(helpText(SYNTH_COMMAND));
    return 0;
  }
  const only = cl.positionals.environment as EnvironmentName | undefined;
  // What the fuzz tests drive too (src/synth/run.ts): load, validate, synthesize.
  const ctx = runSynth(io.env, io.root, only ? [only] : undefined);
  const cdktfOut = io.env.CDKTF_OUTDIR;
  const cdk8sOut = io.env.CDK8S_OUTDIR;
  for (const w of ctx.warnings) io.err(`WARNING: ${w}\n`);
  const envs = only ?? "*";
  const what = [cdk8sOut ? undefined : `cdktf.out/stacks/${envs}/cdk.tf.json`, cdktfOut ? undefined : `dist/${envs}/*.k8s.yaml`].filter(Boolean).join(" and ");
  io.out(`clusterkit: synthesized ${what} in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}
