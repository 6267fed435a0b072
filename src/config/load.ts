/**
 * Loads the effective configuration: defaults, overridden by the file named in
 * `CLUSTERKIT_CONFIG` (YAML or JSON, keyed by environment name), validated as a whole.
 * Any problem throws one UserError listing every problem; nothing is written before this passes.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { UserError } from "../errors";
import { applyDerivedDefaults, defaultConfigs } from "./defaults";
import { environmentProblems, type Problem } from "./rules";
import { type AckConfig, ENVIRONMENT_NAMES, ENVIRONMENT_SCHEMAS, type Environment, type EnvironmentConfigs, type EnvironmentName, type LocalConfig } from "./schema";

export const CONFIG_ENV_VAR = "CLUSTERKIT_CONFIG";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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
  for (const [key, value] of Object.entries(override)) out[key] = key in out ? deepMerge(out[key], value) : value;
  return out as T;
}

function readOverrides(file: string): Record<string, Json> {
  if (!existsSync(file)) throw new UserError(`${CONFIG_ENV_VAR} names ${file}, which does not exist`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${file} is not valid YAML or JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw new UserError(`${file} must hold a mapping keyed by environment name (${ENVIRONMENT_NAMES.join(", ")})`);
  return data as Record<string, Json>;
}

function formatPath(env: string, path: readonly PropertyKey[]): string {
  return [env, ...path.map(String)].join(".");
}

/**
 * Validates merged configs. Returns the typed configs, or the full list of problems.
 * Exported for tests; `loadConfig` is the entry point.
 */
export function validateConfigs(overrides: Record<string, unknown>): { configs?: EnvironmentConfigs; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const key of Object.keys(overrides)) {
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(key)) {
      problems.push({ path: key, message: `unknown environment; expected one of ${ENVIRONMENT_NAMES.join(", ")}` });
    } else if (overrides[key] !== null && !isPlainObject(overrides[key])) {
      problems.push({ path: key, message: "must be a mapping of configuration fields" });
    }
  }
  const defaults = defaultConfigs();
  const configs: Partial<Record<EnvironmentName, unknown>> = {};
  for (const name of ENVIRONMENT_NAMES) {
    const override = isPlainObject(overrides[name]) ? overrides[name] : undefined;
    const merged = deepMerge<unknown>(defaults[name], override);
    applyDerivedDefaults(name, merged, override);
    const parsed = ENVIRONMENT_SCHEMAS[name].safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: formatPath(name, issue.path), message: issue.message });
      continue;
    }
    problems.push(...environmentProblems(name, parsed.data));
    configs[name] = parsed.data;
  }
  if (problems.length) return { problems };
  return { configs: configs as EnvironmentConfigs, problems };
}

/** Loads and validates every environment, or throws a UserError naming each problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EnvironmentConfigs {
  // `npm run` runs in the project root; a relative path means the user's directory (INIT_CWD).
  const file = env[CONFIG_ENV_VAR] ? resolve(env.INIT_CWD ?? process.cwd(), env[CONFIG_ENV_VAR]) : undefined;
  const overrides = file ? readOverrides(file) : {};
  const { configs, problems } = validateConfigs(overrides);
  if (!configs) {
    const source = file ? ` in ${file}` : "";
    throw new UserError(`invalid configuration${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`, problems.map((p) => `${p.path}: ${p.message}`));
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
  throw new UserError(`${arg ? `unknown environment '${arg}'` : "no environment given"}; expected one of ${ENVIRONMENT_NAMES.join(", ")}`);
}
