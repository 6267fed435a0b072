/** Command-line arguments of `npm run deploy|destroy -- <environment> [options]`. */
import { isAbsolute, resolve } from "node:path";
import { parseEnvironmentName } from "../config/load";
import type { EnvironmentName } from "../config/schema";
import { UserError } from "../errors";

export interface DeployArgs {
  readonly environment: EnvironmentName;
  /** `--secrets-file <path>`: KEY=VALUE lines with the workload's Secret values; absolute (see `userPath`). */
  readonly secretsFile?: string;
  /** `--yes`: skip the confirmation prompt (destroy). */
  readonly yes: boolean;
  /** `--plan`: print the apply order and exit without touching anything (deploy). */
  readonly planOnly: boolean;
  /** `--skip-verify`: do not run `verify` at the end (deploy). */
  readonly skipVerify: boolean;
}

/**
 * A path the user typed, made absolute against the folder they typed it in. `npm run` starts the
 * script in the project root but keeps the caller's folder in INIT_CWD.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(env.INIT_CWD ?? process.cwd(), path);
}

export function parseArgs(argv: readonly string[], allowed: readonly ("--secrets-file" | "--yes" | "--plan" | "--skip-verify")[], env: NodeJS.ProcessEnv = process.env): DeployArgs {
  let environment: string | undefined;
  let secretsFile: string | undefined;
  let yes = false;
  let planOnly = false;
  let skipVerify = false;
  const usage = `usage: <environment> ${allowed.map((a) => (a === "--secrets-file" ? "[--secrets-file <path>]" : `[${a}]`)).join(" ")}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = a.split("=")[0] as (typeof allowed)[number];
    if (a.startsWith("--") && !allowed.includes(flag)) throw new UserError(`unknown option ${a}; ${usage}`);
    if (flag === "--secrets-file") {
      secretsFile = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!secretsFile) throw new UserError(`--secrets-file needs a path; ${usage}`);
    } else if (a === "--yes") yes = true;
    else if (a === "--plan") planOnly = true;
    else if (a === "--skip-verify") skipVerify = true;
    else if (environment === undefined) environment = a;
    else throw new UserError(`unexpected argument ${a}; ${usage}`);
  }
  return { environment: parseEnvironmentName(environment), secretsFile: secretsFile === undefined ? undefined : userPath(secretsFile, env), yes, planOnly, skipVerify };
}
