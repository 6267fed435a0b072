/**
 * Loads the effective configuration: defaults, overridden by the file named in
 * `CLUSTERKIT_CONFIG` (YAML or JSON, keyed by environment name), validated as a whole.
 * Any problem throws one UserError listing every problem; nothing is written before this passes.
 */
import { resolve } from "node:path";
import { quote, UserError } from "../errors";
import { formatPath, PROTOTYPE_KEYS, plainDataProblems, readConfigFile } from "./config-file";
import { resolveLocalAddresses } from "./addresses";
import { applyDerivedDefaults, defaultInputs } from "./defaults";
import { issueProblems, nearest } from "./issues";
import { environmentProblems, type Problem } from "./rules";
import { type AckConfig, ENVIRONMENT_NAMES, ENVIRONMENT_SCHEMAS, type Environment, type EnvironmentConfigs, type EnvironmentName, type LocalConfig, type LocalConfigInput } from "./schema";

export const CONFIG_ENV_VAR = "CLUSTERKIT_CONFIG";

/** Problems listed in one error; the rest are counted (a garbage file must not flood the terminal). */
export const MAX_PROBLEMS_SHOWN = 30;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Objects merge key by key; arrays and scalars in the override replace the default. An object whose
 * `type` differs from the default's (a variant of a discriminated union, e.g. `backend`) replaces it.
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  if ("type" in base && "type" in override && base.type !== override.type) return override as T;
  const out: Record<string, unknown> = { ...base };
  // Own keys only: a `__proto__` key must never reach (and replace) the prototype. Such keys are
  // refused before merging (config-file.ts); skipping them here keeps deepMerge safe on its own.
  for (const [key, value] of Object.entries(override)) {
    if ((PROTOTYPE_KEYS as readonly string[]).includes(key)) continue;
    out[key] = Object.hasOwn(out, key) ? deepMerge(out[key], value) : value;
  }
  return out as T;
}

/**
 * Validates merged configs. Returns the typed configs, or the full list of problems.
 * Exported for tests; `loadConfig` is the entry point. `only` limits the work to some environments
 * (the others are then missing from `configs`).
 */
export function validateConfigs(overrides: Record<string, unknown>, only: readonly EnvironmentName[] = ENVIRONMENT_NAMES): { configs?: EnvironmentConfigs; problems: Problem[] } {
  const problems: Problem[] = [];
  // Data that is not plain JSON (prototype keys, Sets, non-finite numbers) is refused, never merged.
  const plain = plainDataProblems(overrides);
  if (plain.length) return { problems: plain.map((p) => ({ path: p.slice(0, p.indexOf(": ")), message: p.slice(p.indexOf(": ") + 2) })) };
  // Unknown top-level keys that could be a misspelt environment are named; anything else (a file
  // that is not a clusterkit config at all, say /etc/shadow) is only counted, never echoed.
  const strange = Object.keys(overrides).filter((k) => !(ENVIRONMENT_NAMES as readonly string[]).includes(k) && !/^[a-z0-9][a-z0-9._-]{0,30}$/.test(k));
  if (strange.length) {
    problems.push({ path: "(top level)", message: `${strange.length} key${strange.length === 1 ? " is" : "s are"} not environment names (not shown); the file must be a mapping keyed by ${ENVIRONMENT_NAMES.join(", ")}` });
  }
  for (const key of Object.keys(overrides)) {
    if (strange.includes(key)) continue;
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(key)) {
      const near = nearest(key, ENVIRONMENT_NAMES);
      problems.push({ path: formatPath([key]), message: `unknown environment; ${near ? `did you mean "${near}"? ` : ""}expected one of ${ENVIRONMENT_NAMES.join(", ")}` });
    } else if (overrides[key] !== null && !isPlainObject(overrides[key])) {
      problems.push({ path: key, message: "must be a mapping of configuration fields" });
    }
  }
  const defaults = defaultInputs();
  const configs: Partial<Record<EnvironmentName, unknown>> = {};
  for (const name of only) {
    const override = isPlainObject(overrides[name]) ? overrides[name] : undefined;
    const merged = deepMerge<unknown>(defaults[name], override);
    applyDerivedDefaults(name, merged, override);
    const parsed = ENVIRONMENT_SCHEMAS[name].safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(...issueProblems(name, issue, merged, ENVIRONMENT_SCHEMAS[name]));
      continue;
    }
    // Local addresses written as host numbers inside network.cidr become addresses before the rules run.
    const config = name === "local" ? resolveLocalAddresses(parsed.data as LocalConfigInput) : (parsed.data as AckConfig);
    problems.push(...environmentProblems(name, config));
    configs[name] = config;
  }
  if (problems.length) return { problems };
  return { configs: configs as EnvironmentConfigs, problems };
}

/** Loads and validates every environment, or throws a UserError naming each problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EnvironmentConfigs {
  // `npm run` runs in the project root; a relative path means the user's directory (INIT_CWD).
  const file = env[CONFIG_ENV_VAR] ? resolve(env.INIT_CWD ?? process.cwd(), env[CONFIG_ENV_VAR]) : undefined;
  const overrides = file ? readConfigFile(file, ENVIRONMENT_NAMES) : {};
  const { configs, problems } = validateConfigs(overrides);
  if (!configs) {
    const source = file ? ` in ${quote(file, 200)}` : "";
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `${p.path}: ${p.message}`);
    if (problems.length > MAX_PROBLEMS_SHOWN) shown.push(`… and ${problems.length - MAX_PROBLEMS_SHOWN} more problems`);
    throw new UserError(`invalid configuration${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`, shown);
  }
  return configs;
}

/** The environment list, in a fixed order, with its kind for dispatch. */
export function environments(configs: EnvironmentConfigs): Environment[] {
  return [
    { name: "local", kind: "local", config: configs.local as LocalConfig },
    { name: "ack-managed", kind: "ack", config: configs["ack-managed"] as AckConfig },
    { name: "ack-dedicated", kind: "ack", config: configs["ack-dedicated"] as AckConfig },
  ];
}

/** Parses an environment name given on the command line. */
export function parseEnvironmentName(arg: string | undefined): EnvironmentName {
  if (arg && (ENVIRONMENT_NAMES as readonly string[]).includes(arg)) return arg as EnvironmentName;
  throw new UserError(`${arg ? `unknown environment ${quote(arg, 40)}` : "no environment given"}; expected one of ${ENVIRONMENT_NAMES.join(", ")}`);
}
