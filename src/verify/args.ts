/** Arguments of `npm run verify -- <environment> [--json] [--only a,b] [--help]`. */
import { parseEnvironmentName } from "../config/load";
import type { EnvironmentName } from "../config/schema";
import { UserError } from "../errors";
import { CHECK_IDS, type CheckId } from "./types";

export type VerifyArgs =
  { readonly help: true } | { readonly help: false; readonly environment: EnvironmentName; readonly json: boolean; readonly only?: readonly CheckId[] };

const USAGE = "usage: npm run verify -- <environment> [--json] [--only <check>[,<check>...]] (--help explains each check)";

/** `names`: the environments the configuration defines. @default the shipped presets */
export function parseVerifyArgs(argv: readonly string[], names?: () => readonly string[]): VerifyArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  let environment: string | undefined;
  let json = false;
  let only: CheckId[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const list = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!list) throw new UserError(`--only needs a list of checks; ${USAGE}`);
      only = list.split(",").map((c) => {
        if (!(CHECK_IDS as readonly string[]).includes(c)) throw new UserError(`--only: unknown check '${c}'; the checks are ${CHECK_IDS.join(", ")}`);
        return c as CheckId;
      });
    } else if (a.startsWith("-")) throw new UserError(`unknown option ${a}; ${USAGE}`);
    else if (environment === undefined) environment = a;
    else throw new UserError(`unexpected argument ${a}; ${USAGE}`);
  }
  return { help: false, environment: parseEnvironmentName(environment, names?.()), json, ...(only ? { only } : {}) };
}
