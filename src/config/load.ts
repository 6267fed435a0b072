/**
 * Loads the effective configuration: defaults, overridden by the file named in
 * `CLUSTERKIT_CONFIG` (YAML or JSON, keyed by environment name), validated as a whole.
 * Any problem throws one UserError listing every problem; nothing is written before this passes.
 */
import { resolve } from "node:path";
import { quote, UserError } from "../errors";
import { formatPath, plainDataProblems, readConfigFile } from "./config-file";
import { applyDerivedDefaults, defaultInput } from "./defaults";
import { issueProblems, nearest } from "./issues";
import { deepMerge, isPlainObject } from "./merge";
import { environmentOf, isPreset, PRESETS, PROFILES, profileFor } from "./profiles";
import type { Problem } from "./rules";
import { type AnyConfig, type Environment, type EnvironmentConfigs, type EnvironmentName, type Platform, PLATFORMS, PRESET_NAMES } from "./schema";

const CONFIG_ENV_VAR = "CLUSTERKIT_CONFIG";

/** Problems listed in one error; the rest are counted (a garbage file must not flood the terminal). */
const MAX_PROBLEMS_SHOWN = 30;

/** An added environment's name: it becomes a folder (state/<env>/), a stack id, tags and key-pair names. */
const ADDED_NAME = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;

/**
 * The environments a set of overrides defines, in order: the presets, then each top-level key of
 * the file that adds one (with `platform`), with its platform; and the problems of keys that do not.
 */
function definedEnvironments(overrides: Record<string, unknown>): { names: { name: string; platform: Platform }[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const names: { name: string; platform: Platform }[] = PRESET_NAMES.map((name) => ({ name, platform: PRESETS[name].platform }));
  // Unknown top-level keys that could be a misspelt environment are named; anything else (a file
  // that is not a clusterkit config at all, say /etc/shadow) is only counted, never echoed.
  const strange = Object.keys(overrides).filter((k) => !isPreset(k) && !/^[a-z0-9][a-z0-9._-]{0,30}$/.test(k));
  const shape = `the file must be a mapping keyed by environment name (${PRESET_NAMES.join(", ")}, or a new name with \`platform: ack\`)`;
  if (strange.length) {
    problems.push({
      path: "(top level)",
      message: `${strange.length} key${strange.length === 1 ? " is" : "s are"} not environment names (not shown); ${shape}`,
    });
  }
  for (const key of Object.keys(overrides)) {
    if (strange.includes(key)) continue;
    const value = overrides[key];
    if (value !== null && !isPlainObject(value)) {
      problems.push({ path: formatPath([key]), message: "must be a mapping of configuration fields" });
      continue;
    }
    if (isPreset(key)) continue;
    const platform = isPlainObject(value) ? value.platform : undefined;
    if (platform === undefined) {
      // Most likely a misspelt preset; otherwise say how to add an environment.
      const near = nearest(key, PRESET_NAMES);
      problems.push({
        path: formatPath([key]),
        message: `unknown environment; ${near ? `did you mean "${near}"? ` : ""}expected one of ${PRESET_NAMES.join(", ")}, or add an environment with \`${key}: { platform: ack, ... }\``,
      });
    } else if (typeof platform !== "string" || !(PLATFORMS as readonly string[]).includes(platform)) {
      problems.push({ path: formatPath([key, "platform"]), message: `must be one of ${PLATFORMS.join(", ")}` });
    } else if (PROFILES[platform as Platform].singleton) {
      problems.push({
        path: formatPath([key, "platform"]),
        message: `there is one ${platform} environment per machine (VirtualBox VM names and the host-only network are the machine's): change \`local\` instead of adding ${quote(key, 40)}`,
      });
    } else if (!ADDED_NAME.test(key)) {
      problems.push({
        path: formatPath([key]),
        message: "an environment name must be a DNS label: lower-case letters, digits and '-', starting with a letter, at most 32 characters",
      });
    } else {
      names.push({ name: key, platform: platform as Platform });
    }
  }
  return { names, problems };
}

/**
 * Validates merged configs. Returns the typed configs, or the full list of problems.
 * Exported for tests; `loadConfig` is the entry point. `only` limits the work to some environments
 * (the others are then missing from `configs`).
 */
export function validateConfigs(overrides: Record<string, unknown>, only?: readonly EnvironmentName[]): { configs?: EnvironmentConfigs; problems: Problem[] } {
  // Data that is not plain JSON (prototype keys, Sets, non-finite numbers) is refused, never merged.
  const plain = plainDataProblems(overrides);
  if (plain.length) return { problems: plain.map((p) => ({ path: p.slice(0, p.indexOf(": ")), message: p.slice(p.indexOf(": ") + 2) })) };
  const { names, problems } = definedEnvironments(overrides);
  const configs: Record<string, AnyConfig> = {};
  for (const { name, platform } of names) {
    if (only && !only.includes(name)) continue;
    const profile = profileFor(platform);
    const override = isPlainObject(overrides[name]) ? overrides[name] : undefined;
    const merged = deepMerge<unknown>(defaultInput(name, platform), override);
    applyDerivedDefaults(platform, merged, override);
    const parsed = profile.schema.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(...issueProblems(name, issue, merged, profile.schema));
      continue;
    }
    // Local addresses written as host numbers inside network.cidr become addresses before the rules run.
    const config = profile.resolve(parsed.data);
    profile.problems(name, config, (path, message) => problems.push({ path: `${name}.${path}`, message }));
    configs[name] = config;
  }
  if (problems.length) return { problems };
  return { configs: configs as EnvironmentConfigs, problems };
}

/** Loads and validates every environment, or throws a UserError naming each problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EnvironmentConfigs {
  // `npm run` runs in the project root; a relative path means the user's directory (INIT_CWD).
  const file = env[CONFIG_ENV_VAR] ? resolve(env.INIT_CWD ?? process.cwd(), env[CONFIG_ENV_VAR]) : undefined;
  const overrides = file ? readConfigFile(file, PRESET_NAMES) : {};
  const { configs, problems } = validateConfigs(overrides);
  if (!configs) {
    const source = file ? ` in ${quote(file, 200)}` : "";
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `${p.path}: ${p.message}`);
    if (problems.length > MAX_PROBLEMS_SHOWN) shown.push(`… and ${problems.length - MAX_PROBLEMS_SHOWN} more problems`);
    throw new UserError(`invalid configuration${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`, shown);
  }
  return configs;
}

/** The environment list in a fixed order (the presets, then those the config file adds), each with its platform. */
export function environments(configs: EnvironmentConfigs): Environment[] {
  return Object.entries(configs).map(([name, config]) => environmentOf(name, config));
}

/** The names of every environment the configuration defines, in order. */
function environmentNames(configs: EnvironmentConfigs): string[] {
  return Object.keys(configs);
}

/** The environment `name` of the configuration, or a UserError listing the valid names (the added ones too). */
export function environmentNamed(configs: EnvironmentConfigs, name: string | undefined): Environment {
  const config = name !== undefined && Object.hasOwn(configs, name) ? configs[name] : undefined;
  if (name === undefined || !config)
    throw new UserError(`${name ? `unknown environment ${quote(name, 40)}` : "no environment given"}; expected one of ${environmentNames(configs).join(", ")}`);
  return environmentOf(name, config);
}

/**
 * The environments the configuration named by `CLUSTERKIT_CONFIG` defines (the presets and any it
 * adds), for command lines; a UserError when that configuration is invalid.
 */
export function configuredEnvironmentNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return environmentNames(loadConfig(env));
}

/** Parses an environment name given on the command line against `names` (the configuration's). */
export function parseEnvironmentName(arg: string | undefined, names: readonly string[] = PRESET_NAMES): EnvironmentName {
  if (arg && names.includes(arg)) return arg;
  throw new UserError(`${arg ? `unknown environment ${quote(arg, 40)}` : "no environment given"}; expected one of ${names.join(", ")}`);
}
