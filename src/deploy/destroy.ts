/**
 * `npm run destroy -- <env>`: terraform destroy for the stack, after a confirmation (`--yes` when
 * not on a terminal). ACK clusters with deletion protection are refused with the way out.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { clusterNodes } from "../contracts/local-nodes";
import { LOCAL_SEED_DIR } from "../contracts/state-paths";
import { environmentNamed } from "../config/load";
import type { EnvironmentConfigs, EnvironmentName } from "../config/schema";
import { fsUserError, UserError } from "../errors";
import { stackOutputsPath } from "../synth/stack-outputs";
import { synthesize } from "../synth/synth";
import { stackDir, terraformStep } from "./deploy";
import { Interruption, interruptibleRunner } from "./interrupt";
import { acquireLock, type HeldLock } from "./lock";
import { Redactor } from "./redact";
import { ensureLabKeys } from "./lab-keys";
import { assertNoProblems, preflightDestroy } from "./preflight";
import type { Reporter } from "./reporter";
import type { Runner } from "./runner";
import { prepareStateDir, protectStateFiles } from "./state-dir";
import { Terraform } from "./terraform";

export interface DestroyOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly configs: EnvironmentConfigs;
  readonly runner: Runner;
  readonly reporter: Reporter;
  readonly env: NodeJS.ProcessEnv;
  /** Confirmed on the command line with `--yes`. */
  readonly yes: boolean;
  /** Asks the user to type the environment name; undefined when there is no terminal. @default no prompt */
  readonly confirm?: (question: string) => Promise<string>;
  /** Stop requests (Ctrl-C, SIGTERM); the same object the process runner forwards. @default never interrupted */
  readonly interruption?: Interruption;
}

/** Prompts on the terminal, or undefined when stdin is not one. */
export function terminalConfirm(): ((q: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (q) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    // In a terminal readline receives Ctrl-C itself; without this the prompt would just pause.
    const cancelled = new Promise<never>((_, reject) => rl.on("SIGINT", () => reject(new UserError("not confirmed (Ctrl-C); nothing was destroyed", [], 130))));
    try {
      return await Promise.race([rl.question(q), cancelled]);
    } finally {
      rl.close();
    }
  };
}

export async function destroy(opts: DestroyOptions): Promise<void> {
  const redactor = new Redactor();
  redactor.addEnvironment(opts.env);
  let lock: HeldLock | undefined;
  try {
    await destroySteps(opts, redactor, (l) => (lock = l));
  } catch (err) {
    throw redactor.error(fsUserError(err, opts.root) ?? err);
  } finally {
    lock?.release();
  }
}

async function destroySteps(opts: DestroyOptions, redactor: Redactor, locked: (lock: HeldLock) => void): Promise<void> {
  const { root } = opts;
  const reporter = redactor.reporter(opts.reporter);
  const interruption = opts.interruption ?? new Interruption();
  const runner = interruptibleRunner(opts.runner, interruption);
  const environment = environmentNamed(opts.configs, opts.environment);
  const problems = await preflightDestroy(environment, { root, env: opts.env, runner });
  if (environment.kind === "ack" && environment.config.cluster.deletionProtection) {
    problems.push(
      `${environment.name}.cluster.deletionProtection is true, so ACK refuses to delete the cluster (that is its purpose); to really delete it, set ${environment.name}.cluster.deletionProtection: false in your CLUSTERKIT_CONFIG file, run \`npm run deploy -- ${environment.name}\` so the cluster records the change, then run destroy again`,
    );
  }
  assertNoProblems("destroy", environment.name, problems);

  if (!opts.yes) {
    if (!opts.confirm)
      throw new UserError(
        `destroy deletes every resource of ${environment.name}; not on a terminal, so confirm with --yes: npm run destroy -- ${environment.name} --yes`,
      );
    const answer = await opts.confirm(
      `This deletes every resource of ${environment.name} (VMs or cloud resources and their data). Type the environment name to confirm: `,
    );
    if (answer.trim() !== environment.name) throw new UserError("not confirmed; nothing was destroyed");
  }

  const lock = acquireLock(root, environment.name, "destroy");
  locked(lock);
  reporter.step("Synthesizing Terraform");
  synthesize(opts.configs, { root, manifests: false, lockToken: lock.info.token, only: [environment.name] });
  interruption.check("after synthesizing");
  reporter.step(`Terraform destroy (stack ${environment.name})`);
  const terraform = new Terraform(runner, stackDir(root, environment.name), reporter);
  prepareStateDir(root, environment.name);
  // Terraform reads the seeds' key files even to destroy; recreate any that went missing.
  if (environment.kind === "local")
    ensureLabKeys(
      root,
      clusterNodes(environment.config).map((n) => n.vm.name),
    );
  await terraformStep("init", environment, root, interruption, () => terraform.init());
  await terraformStep("destroy", environment, root, interruption, () => terraform.destroy());
  protectStateFiles(root, environment.name);
  // Outputs of a destroyed stack would feed stale values (e.g. a deleted NAS server) into synth.
  rmSync(join(root, stackOutputsPath(environment.name)), { force: true });
  // The seed ISOs come from a local-exec with no destroy step, and master01's carries the CA key
  // and the bootstrap token: nothing of the destroyed cluster's identity stays on disk.
  if (environment.kind === "local") rmSync(join(root, LOCAL_SEED_DIR), { recursive: true, force: true });
  reporter.step(`${environment.name} destroyed`);
}
