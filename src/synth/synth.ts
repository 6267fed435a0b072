/**
 * Synthesizes every environment: Terraform JSON through CDK for Terraform and manifests through
 * cdk8s. Config is validated before anything is written; outputs are swapped in atomically.
 */
import { join } from "node:path";
import { addCharts } from "../../charts";
import { addStacks } from "../../stacks";
import { environments } from "../config/load";
import type { EnvironmentConfigs } from "../config/schema";
import { App } from "../lib/tf";
import { type SynthContext, newContext } from "./context";
import { commitDir, discard, stagingDir } from "./output-dirs";

export interface SynthOptions {
  /** Project root. */
  readonly root: string;
  /** Synthesize Terraform (default true). */
  readonly terraform?: boolean;
  /** Synthesize manifests (default true). */
  readonly manifests?: boolean;
  /**
   * Write straight into these folders instead of swapping into `cdktf.out/` and `dist/`
   * (used when the cdktf or cdk8s CLI runs the app and owns its output folder).
   */
  readonly terraformOutdir?: string;
  readonly manifestsOutdir?: string;
}

/** Terraform's working files inside cdktf.out survive a re-synth, as do generated diagrams in dist. */
const KEEP_TERRAFORM = (p: string) => /^stacks\/[^/]+\/(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*)$/.test(p);
const KEEP_DIST = (p: string) => /^[^/]+\/architecture\.(svg|png|dot)$/.test(p);

export function synthesize(configs: EnvironmentConfigs, options: SynthOptions): SynthContext {
  const ctx = newContext(options.root);
  const envs = environments(configs);
  const staged: { dir: string; target?: string; keep: (p: string) => boolean }[] = [];
  try {
    if (options.terraform ?? true) {
      const dir = options.terraformOutdir ?? stagingDir(join(options.root, "cdktf.out"));
      staged.push({ dir, target: options.terraformOutdir ? undefined : join(options.root, "cdktf.out"), keep: KEEP_TERRAFORM });
      const app = new App({ outdir: dir, stackTraces: false });
      addStacks(app, envs, ctx);
      app.synth();
    }
    if (options.manifests ?? true) {
      const dir = options.manifestsOutdir ?? stagingDir(join(options.root, "dist"));
      staged.push({ dir, target: options.manifestsOutdir ? undefined : join(options.root, "dist"), keep: KEEP_DIST });
      for (const env of envs) addCharts(env, join(dir, env.name), ctx);
    }
  } catch (err) {
    for (const s of staged) if (s.target) discard(s.dir);
    throw err;
  }
  for (const s of staged) if (s.target) commitDir(s.dir, s.target, s.keep);
  return ctx;
}
