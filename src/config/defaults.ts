/**
 * Default configuration per environment: each shipped environment is a preset of its platform's
 * profile (profiles/index.ts), whose defaults come from the customer's documents where they give a
 * value (VM addresses and sizes, HPA bounds and targets, the Frankfurt deployment) and are chosen
 * there where they do not. A `CLUSTERKIT_CONFIG` file overrides any part of it.
 */
import { deepMerge } from "./merge";
import { isPreset, PRESETS, profileFor } from "./profiles";
import type { AckConfig, EnvironmentConfigs, LocalConfigInput, Platform, PresetName } from "./schema";
import { PRESET_NAMES } from "./schema";
import { resolveLocalAddresses } from "./addresses";

/** The defaults of an environment as written, before derived defaults: its preset, or its platform's profile for an added one. */
export function defaultInput(name: string, platform: Platform): unknown {
  const base = profileFor(platform).defaults(name);
  return isPreset(name) ? deepMerge<unknown>(base, PRESETS[name].values) : base;
}

/** Fresh default configs of the presets as written, before addresses are resolved (what a config file overrides). */
function defaultInputs(): { local: LocalConfigInput; "ack-managed": AckConfig; "ack-dedicated": AckConfig } {
  const out = Object.fromEntries(PRESET_NAMES.map((name: PresetName) => [name, defaultInput(name, PRESETS[name].platform)]));
  return out as { local: LocalConfigInput; "ack-managed": AckConfig; "ack-dedicated": AckConfig };
}

/**
 * Defaults that follow other fields, applied to the merged config before validation (the profile's
 * rule): unless the override sets them, the registry follows the NFS node's address (local) or
 * `region` (ACK, with the default zones), and the service's images follow the registry.
 */
export function applyDerivedDefaults(platform: Platform, merged: unknown, override: unknown): void {
  if (typeof merged !== "object" || merged === null || Array.isArray(merged)) return;
  profileFor(platform).applyDerivedDefaults(merged as Record<string, unknown>, override);
}

/** Fresh default configs of the presets with every address resolved (callers may mutate the returned objects). */
export function defaultConfigs(): EnvironmentConfigs {
  const inputs = defaultInputs();
  return { ...inputs, local: resolveLocalAddresses(inputs.local) } as EnvironmentConfigs;
}
