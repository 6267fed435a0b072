/**
 * Synthesizes every environment: Terraform JSON through CDK for Terraform and manifests through
 * cdk8s. Config is validated before anything is written; outputs are swapped in atomically.
 */
import { join } from "node:path";
import { addCharts } from "../../charts";
import { addStacks } from "../../stacks";
import { environments } from "../config/load";
import type { EnvironmentConfigs, EnvironmentName } from "../config/schema";
import { describeHolder, type LockInfo, lockHolder } from "../deploy/lock";
import { UserError } from "../errors";
import { App } from "../lib/tf";
import { type SynthContext, newContext } from "../contracts/synth-context";
import { commitDir, discard, stagingDir } from "./output-dirs";
import type { OutputsByEnvironment } from "./stack-outputs";

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
  /**
   * The lock token of the deploy or destroy running this synth: it may rewrite its own environment,
   * and environments other runs hold are left as they are (with a warning) instead of refused.
   * @default none: any environment whose lock another run holds is refused
   */
  readonly lockToken?: string;
  /**
   * Synthesize only these environments (deploy and destroy: their own); the output folders of the
   * others are kept exactly as they are. @default every environment
   */
  readonly only?: readonly EnvironmentName[];
  /**
   * Terraform outputs the manifests need, by environment: deploy passes its environment's after
   * `terraform apply`. Synthesis never reads them from disk. @default {}: placeholders everywhere
   * (src/synth/stack-outputs.ts), as plain `npm run synth` and `cdk8s synth` write them
   */
  readonly outputs?: OutputsByEnvironment;
}

/** Environments whose lock another run holds, with the holder. */
function lockedByOthers(root: string, names: readonly string[], token: string | undefined): { env: string; holder: LockInfo }[] {
  return names.flatMap((env) => {
    const holder = lockHolder(root, env);
    return holder && holder.token !== token ? [{ env, holder }] : [];
  });
}

/** Refuses (plain synth) while a deploy holds an environment's lock: it would rewrite what that deploy applies. */
function refuseLocked(locked: readonly { env: string; holder: LockInfo }[]): void {
  if (!locked.length) return;
  throw new UserError(`refusing to synthesize: ${locked.map((l) => `${l.env} is locked by ${describeHolder(l.holder)}`).join("; ")}`, [
    `synth would rewrite ${locked.map((l) => `cdktf.out/stacks/${l.env} and dist/${l.env}`).join(", ")} while that run uses them; wait for it to finish, then run synth again`,
  ]);
}

/**
 * Terraform's working files inside cdktf.out survive a re-synth, and so does `errored.tfstate`,
 * Terraform's only copy of state it failed to save (never deleted). dist/ holds manifests only
 * (diagrams live in diagrams/, out of the folder `cdk8s synth` deletes).
 */
const KEEP_TERRAFORM = (p: string) => /^stacks\/[^/]+\/(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*|errored\.tfstate)$/.test(p);
const KEEP_NOTHING = () => false;

export function synthesize(configs: EnvironmentConfigs, options: SynthOptions): SynthContext {
  const ctx = newContext(options.root);
  const all = environments(configs);
  const envs = options.only ? all.filter((e) => options.only!.includes(e.name)) : all;
  const names = envs.map((e) => e.name);
  const untouched = all.filter((e) => !envs.includes(e)).map((e) => e.name);
  const locked = () => lockedByOthers(options.root, names, options.lockToken);
  if (options.lockToken === undefined) refuseLocked(locked());
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
      staged.push({ dir, target: options.manifestsOutdir ? undefined : join(options.root, "dist"), keep: KEEP_NOTHING });
      for (const env of envs) addCharts(env, join(dir, env.name), ctx, options.outputs?.[env.name]);
    }
  } catch (err) {
    for (const s of staged) if (s.target) discard(s.dir);
    throw err;
  }
  // Checked again right before the swap: a deploy may have started while this synth ran.
  const busy = locked();
  if (options.lockToken === undefined && busy.length) {
    for (const s of staged) if (s.target) discard(s.dir);
    refuseLocked(busy);
  }
  for (const l of busy) ctx.warnings.push(`${l.env}: not re-synthesized, ${describeHolder(l.holder)} holds its lock`);
  for (const s of staged) {
    if (!s.target) continue;
    const preserve = [...untouched, ...busy.map((l) => l.env)].map((env) => (s.keep === KEEP_TERRAFORM ? `stacks/${env}` : env));
    commitDir(s.dir, s.target, s.keep, preserve);
  }
  return ctx;
}
