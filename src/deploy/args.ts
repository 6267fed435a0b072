/** Command lines of `npm run deploy|destroy -- <environment> [options]`. */
import { isAbsolute, resolve } from "node:path";
import { type CommandSpec, parseCommandLine } from "../cli/args";
import { configuredEnvironmentNames } from "../config/load";
import { PRESET_NAMES, type EnvironmentName } from "../config/schema";

export interface DeployArgs {
  readonly environment: EnvironmentName;
  /** `--secrets-file <path>`: KEY=VALUE lines with the workload's Secret values; absolute (see `userPath`). */
  readonly secretsFile?: string;
  /** `--yes`: skip the confirmation prompt (destroy). */
  readonly yes: boolean;
  /** `--plan`: print what deploy would do and exit without touching anything (deploy). */
  readonly planOnly: boolean;
  /** `--skip-verify`: do not run `verify` at the end (deploy). */
  readonly skipVerify: boolean;
}

/**
 * A path the user typed, made absolute against the folder they typed it in. `npm run` starts the
 * script in the project root but keeps the caller's folder in INIT_CWD.
 */
function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(env.INIT_CWD ?? process.cwd(), path);
}

const ENVIRONMENT = {
  name: "environment",
  noun: "environment",
  description: "the environment to act on",
  choices: PRESET_NAMES,
  moreChoices: "or one the CLUSTERKIT_CONFIG file adds",
} as const;

export const DEPLOY_COMMAND: CommandSpec = {
  command: "npm run deploy --",
  summary:
    "Takes an environment from nothing to a running cluster with the workload: preflight (creates nothing when a prerequisite is missing), synth, the base box (local), the service's images, terraform apply, waits, upstream installs, manifests, Secrets and sign-in accounts, then how to reach the app and `verify`. Safe to run again; an interrupted run resumes. See docs/deploy.md.",
  positionals: [ENVIRONMENT],
  options: [
    {
      flag: "--secrets-file",
      value: "path",
      description: "KEY=VALUE lines with the workload's Secret values (OAUTH2_PROXY_*); they win over the environment; relative to the folder you run npm in",
    },
    {
      flag: "--plan",
      description: "print what deploy would do (stack, apply order, images, Secrets) and any missing prerequisite, then exit; creates nothing",
    },
    { flag: "--skip-verify", description: "do not run `npm run verify -- <environment>` at the end" },
  ],
  notes: ["Secret values come from the environment or --secrets-file and reach the cluster on kubectl's standard input only."],
  examples: [
    "npm run deploy -- local --plan",
    "npm run deploy -- local --secrets-file ~/clusterkit-secrets.env",
    "CLUSTERKIT_CONFIG=clusterkit.yaml npm run deploy -- ack-managed",
  ],
};

export const DESTROY_COMMAND: CommandSpec = {
  command: "npm run destroy --",
  summary:
    "Deletes everything deploy created for an environment (terraform destroy), after you type its name to confirm; removes the local seed ISOs too. See docs/deploy.md.",
  positionals: [ENVIRONMENT],
  options: [{ flag: "--yes", description: "do not ask (required when stdin is not a terminal, e.g. in CI)" }],
  examples: ["npm run destroy -- local", "npm run destroy -- local --yes"],
};

/** Parses a deploy or destroy command line; undefined means `--help` was asked for. */
export function parseDeployArgs(spec: CommandSpec, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DeployArgs | undefined {
  const cl = parseCommandLine(spec, argv, () => ({ environment: configuredEnvironmentNames(env) }));
  if (cl.help) return undefined;
  const secretsFile = cl.options["secrets-file"];
  return {
    environment: cl.positionals.environment as EnvironmentName,
    secretsFile: typeof secretsFile === "string" ? userPath(secretsFile, env) : undefined,
    yes: cl.options.yes === true,
    planOnly: cl.options.plan === true,
    skipVerify: cl.options["skip-verify"] === true,
  };
}
