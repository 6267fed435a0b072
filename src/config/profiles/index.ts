/**
 * The platform profiles and the shipped environments, which are presets of them: `local` (the
 * VirtualBox lab), `ack-managed` and `ack-dedicated` (the documents' two ACK clusters). A preset is
 * its profile's defaults plus a few values of its own, written here as data; a config file can add
 * an environment under a new name (`platform: ack`) and gets the profile's defaults.
 */
import type { AckConfig, AnyConfig, Environment, LocalConfig, LocalConfigInput, Platform, PresetName } from "../schema";
import { ackProfile } from "./ack";
import { localProfile } from "./local";
import type { PlatformFacts, PlatformProfile } from "./profile";

export type { PlatformFacts, PlatformProfile } from "./profile";

/** The profile of each platform. */
export const PROFILES: { readonly local: typeof localProfile; readonly ack: typeof ackProfile } = { local: localProfile, ack: ackProfile };

/** A shipped environment: a profile's defaults with these values on top (merged like a config file). */
export interface Preset {
  readonly platform: Platform;
  /** What the preset sets beyond its profile's defaults. @default nothing */
  readonly values: Readonly<Record<string, unknown>>;
  /** One line for the docs. */
  readonly summary: string;
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  local: { platform: "local", values: {}, summary: "the VirtualBox lab: kubeadm on master01, worker01, worker02 and nfs01" },
  "ack-managed": { platform: "ack", values: { cluster: { name: "clusterkit-managed" } }, summary: "ACK managed (Pro) in Frankfurt" },
  "ack-dedicated": {
    platform: "ack",
    // The documents' dedicated cluster: cluster-tfg with the domain k8s-majasi.cluster (Table 7).
    values: { cluster: { type: "dedicated", name: "cluster-tfg" }, kubernetes: { clusterDomain: "k8s-majasi.cluster" } },
    summary: "ACK dedicated (masters in the account) in Frankfurt, as the documents built it; Alibaba no longer creates these",
  },
};

export function isPreset(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** The profile of a platform, typed loosely for code that handles either (validation, loading). */
export function profileFor(platform: Platform): PlatformProfile<LocalConfigInput | AckConfig, AnyConfig> {
  return PROFILES[platform] as unknown as PlatformProfile<LocalConfigInput | AckConfig, AnyConfig>;
}

/** The facts of a validated environment, from its platform's profile. */
export function factsOf(env: Environment): PlatformFacts {
  return env.kind === "local" ? localProfile.facts(env.name, env.config) : ackProfile.facts(env.name, env.config);
}

/** The environment with its platform, from a validated config. */
export function environmentOf(name: string, config: AnyConfig): Environment {
  return config.platform === "local" ? { name, kind: "local", config: config as LocalConfig } : { name, kind: "ack", config: config as AckConfig };
}
