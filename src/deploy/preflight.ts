/**
 * Checks everything deploy/destroy needs BEFORE anything is created, and reports every problem at
 * once, each with its fix. Nothing here writes a file or changes the machine.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { faasSecrets } from "../contracts/secrets";
import { dedicatedDeployProblem } from "../config/dedicated-opt-in";
import type { AckConfig, Environment, LocalConfig } from "../config/schema";
import { checkBox } from "../box/check";
import { CONVERTER_HINT, pickConverter } from "../box/convert";
import { UserError } from "../errors";
import { alicloudCredentialsProblem } from "./credentials";
import { hostOnlyProblems, parseHostOnlyIfs } from "./hostonly";
import { kataHostProblems } from "./kata-preflight";
import { placeholderProblems } from "./placeholders";
import { findOnPath, type Runner, tail } from "./runner";
import { type ResolvedSecret, resolveSecrets } from "./secret-values";
import { readSecretsFile } from "./secrets-file";
import { erroredStateFiles, erroredStateRecovery, stackDir } from "./state-files";

export interface PreflightContext {
  /** Project root; relative config paths (base box) resolve against it. */
  readonly root: string;
  /** The user's environment: PATH, credentials, Secret values. */
  readonly env: NodeJS.ProcessEnv;
  readonly runner: Runner;
  /** Path given with `--secrets-file`. @default none (environment only) */
  readonly secretsFile?: string;
}

export interface PreflightResult {
  readonly problems: string[];
  /** Secret values, complete when `problems` is empty. */
  readonly secrets: ResolvedSecret[];
}

const INSTALL_HINT: Record<string, string> = {
  terraform: "install Terraform (https://developer.hashicorp.com/terraform/install) and put it on PATH",
  kubectl: "install kubectl matching the cluster's minor version (https://kubernetes.io/docs/tasks/tools/) and put it on PATH",
  VBoxManage: "install VirtualBox 7 (it ships VBoxManage) and make sure VBoxManage is on PATH",
};

function toolProblems(tools: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return tools.filter((t) => !findOnPath(t, env)).map((t) => `${t} not found on PATH; ${INSTALL_HINT[t] ?? `install ${t}`}`);
}

async function localProblems(config: LocalConfig, ctx: PreflightContext, forDestroy: boolean): Promise<string[]> {
  const problems = toolProblems(["VBoxManage"], ctx.env);
  if (!problems.length && !forDestroy) {
    const r = await ctx.runner.run("VBoxManage", ["list", "hostonlyifs"], { env: { LANG: "C", LC_ALL: "C" } });
    if (r.code !== 0)
      problems.push(
        `\`VBoxManage list hostonlyifs\` failed (exit ${r.code}): ${tail(r.stderr, 3)}; check that VirtualBox works (its kernel modules are loaded)`,
      );
    else problems.push(...hostOnlyProblems(config, parseHostOnlyIfs(r.stdout)));
    problems.push(...(await kataHostProblems(config, ctx.runner)));
  }
  if (forDestroy) return problems;
  problems.push(...(await boxProblems(config, ctx)));
  return problems;
}

/**
 * The base box: a missing one is built by deploy (`npm run box`), which needs qemu-img or
 * VBoxManage; one that is there must be a real box (format, and the size and SHA-256 recorded
 * when it was built).
 */
async function boxProblems(config: LocalConfig, ctx: PreflightContext): Promise<string[]> {
  const box = resolve(ctx.root, config.image.path);
  if (!existsSync(box)) {
    return pickConverter(ctx.env) ? [] : [`base box ${config.image.path} not found (resolved to ${box}) and deploy cannot build it: ${CONVERTER_HINT}`];
  }
  return (await checkBox(box, config.image.path)).problems;
}

function ackProblems(name: string, config: AckConfig, ctx: PreflightContext, forDestroy: boolean): string[] {
  const problems: string[] = [];
  const creds = alicloudCredentialsProblem(ctx.env, ctx.env.HOME ?? ctx.env.USERPROFILE);
  if (creds) problems.push(creds);
  if (!forDestroy) {
    const optIn = dedicatedDeployProblem(name, config);
    if (optIn) problems.push(optIn);
    problems.push(...placeholderProblems(name, config));
  }
  return problems;
}

function secretsFileValues(ctx: PreflightContext, problems: string[]): Record<string, string> {
  if (!ctx.secretsFile) return {};
  try {
    return readSecretsFile(resolve(ctx.secretsFile));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.push(err.problems.length ? `${err.message.split("\n")[0]} ${err.problems.join("; ")}` : err.message);
    return {};
  }
}

/** State Terraform failed to save must be pushed back before Terraform runs again (it would create everything anew). */
function erroredStateProblems(environment: Environment, root: string): string[] {
  const files = erroredStateFiles(root, environment.name, stackDir(root, environment.name));
  return files.length ? [erroredStateRecovery(environment.name, files).join("; ")] : [];
}

/** Every problem that would stop `deploy`, plus the Secret values when there are none. */
export async function preflightDeploy(environment: Environment, ctx: PreflightContext): Promise<PreflightResult> {
  const problems = [...erroredStateProblems(environment, ctx.root), ...toolProblems(["terraform", "kubectl"], ctx.env)];
  if (environment.kind === "local") problems.push(...(await localProblems(environment.config, ctx, false)));
  else problems.push(...ackProblems(environment.name, environment.config, ctx, false));
  const file = secretsFileValues(ctx, problems);
  const resolved = resolveSecrets(faasSecrets(environment.config.faas), ctx.env, file, ctx.secretsFile);
  problems.push(...resolved.problems);
  return { problems, secrets: resolved.secrets };
}

/** Every problem that would stop `destroy` (no Secrets, no base box needed). */
export async function preflightDestroy(environment: Environment, ctx: PreflightContext): Promise<string[]> {
  const problems = [...erroredStateProblems(environment, ctx.root), ...toolProblems(["terraform"], ctx.env)];
  if (environment.kind === "local") problems.push(...(await localProblems(environment.config, ctx, true)));
  else problems.push(...ackProblems(environment.name, environment.config, ctx, true));
  return problems;
}

/** Throws one UserError listing every problem, saying that nothing was created. */
export function assertNoProblems(action: string, environment: string, problems: readonly string[]): void {
  if (!problems.length) return;
  throw new UserError(
    `cannot ${action} ${environment}: ${problems.length} problem${problems.length === 1 ? "" : "s"} found before anything was created:`,
    problems,
  );
}
