/** Test helpers: synthesize one ACK stack from validated config and navigate its Terraform JSON. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateConfigs } from "../../src/config/load";
import type { AckConfig } from "../../src/config/schema";
import { Testing } from "../../src/lib/tf";
import { newContext } from "../../src/contracts/synth-context";
import { AckStack } from "../../stacks/ack/ack-stack";
import { PROJECT_ROOT } from "../support/cli";
import type { ProviderSchemaJson } from "../support/provider-schema";

export type AckEnv = "ack-managed" | "ack-dedicated";
export type Body = Record<string, unknown>;

export interface TfJson {
  terraform: { backend: Record<string, Body>; required_providers: Record<string, { source: string; version: string }> };
  provider: Record<string, Body[]>;
  resource: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
  locals?: Record<string, unknown>;
  output: Record<string, { value: unknown }>;
}

export interface SynthResult {
  readonly config: AckConfig;
  readonly json: TfJson;
  readonly text: string;
  readonly warnings: string[];
}

/** Validates `override` on top of the defaults (failing loudly on problems), then synthesizes. */
export function synthAck(env: AckEnv, override: Record<string, unknown> = {}): SynthResult {
  const { configs, problems } = validateConfigs({ [env]: override });
  if (!configs) throw new Error(`invalid test config:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  const config = configs[env];
  const ctx = newContext(PROJECT_ROOT);
  const app = Testing.app();
  const stack = new AckStack(app, env, { environment: env, config, ctx });
  const text = Testing.synth(stack);
  return { config, json: JSON.parse(text) as TfJson, text, warnings: ctx.warnings };
}

/** All instances of a resource type, by logical id. */
export function instances(json: TfJson, type: string): [string, Body][] {
  return Object.entries(json.resource[type] ?? {});
}

export function only(json: TfJson, type: string): Body {
  const all = instances(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]![1];
}

/** `${type.name.attr}` for a resource, as Terraform JSON references it. */
export function ref(type: string, name: string, attr = "id"): string {
  return `\${${type}.${name}.${attr}}`;
}

/** The resource a `${type.name.attr}` reference points at. */
export function target(json: TfJson, reference: unknown): { type: string; name: string; attr: string; body: Body } {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/.exec(String(reference));
  if (!m) throw new Error(`not a plain resource reference: ${String(reference)}`);
  const body = json.resource[m[1]!]?.[m[2]!];
  if (!body) throw new Error(`reference to a missing resource: ${String(reference)}`);
  return { type: m[1]!, name: m[2]!, attr: m[3]!, body };
}

let alicloudSchema: ProviderSchemaJson | undefined;
/** The repository's pinned alicloud schema (provider-schemas/, part of the project). */
export function alicloudProviderSchema(): ProviderSchemaJson {
  alicloudSchema ??= JSON.parse(readFileSync(join(PROJECT_ROOT, "provider-schemas", "alicloud-1.289.0.json"), "utf8")) as ProviderSchemaJson;
  return alicloudSchema;
}
