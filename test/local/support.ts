/** Helpers for the local-environment tests: config variants, synthesized stack JSON, rendered seeds. */
import { parse, parseAllDocuments } from "yaml";
import { validateConfigs } from "../../src/config/load";
import type { LocalConfig } from "../../src/config/schema";
import { Testing } from "../../src/lib/tf";
import { newContext, type SynthContext } from "../../src/contracts/synth-context";
import { type SeedDocuments, renderSeed } from "../../stacks/local/cloud-init/render";
import type { NodeSecrets } from "../../stacks/local/cloud-init/secrets";
import { LocalStack } from "../../stacks/local/local-stack";
import { clusterNodes } from "../../src/contracts/local-nodes";
import { PROJECT_ROOT } from "../support/cli";
import { fakePem } from "../support/fake-pem";

/** The local config after applying `overrides` (same path as a CLUSTERKIT_CONFIG file), or throws. */
export function localConfig(overrides: Record<string, unknown> = {}): LocalConfig {
  const { configs, problems } = validateConfigs({ local: overrides });
  if (!configs) throw new Error(`invalid test config:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return configs.local;
}

// Minimal Terraform JSON shape the assertions read.
export type Block = Record<string, unknown>;
export interface TfJson {
  terraform: { backend: Record<string, Block>; required_providers: Record<string, { source: string; version: string }> };
  provider: Record<string, Block[]>;
  resource: Record<string, Record<string, Block>>;
  output: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
}

export interface Synthesized {
  readonly json: TfJson;
  readonly text: string;
  readonly ctx: SynthContext;
}

export function synthLocal(overrides: Record<string, unknown> = {}): Synthesized {
  const ctx = newContext(PROJECT_ROOT);
  const app = Testing.app();
  const stack = new LocalStack(app, "local", { config: localConfig(overrides), ctx });
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as TfJson, text, ctx };
}

/** Resources of one type, keyed by logical id. */
export function resources(json: TfJson, type: string): Record<string, Block> {
  return json.resource[type] ?? {};
}

/** The resource of `type` whose `filename` ends with `suffix`. */
export function fileResource(json: TfJson, type: "local_file" | "local_sensitive_file", suffix: string): Block {
  const found = Object.values(resources(json, type)).filter((r) => String(r.filename).endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} ending ${suffix}, found ${found.length}`);
  return found[0] as Block;
}

/**
 * Sample identity: shaped like the real thing (PEM headers, token format) but fixed and fake, so tests
 * can also check that such shapes never appear in synthesized Terraform.
 */
const SAMPLE_CERT = fakePem("CERTIFICATE", "MIIBsampleCERTIFICATEbodyNotARealCert");
const SAMPLE_KEY = fakePem("RSA PRIVATE KEY", "MIIEsampleKEYbodyNotARealKey");
export const SAMPLE_SECRETS: NodeSecrets = {
  caCertPemBase64: Buffer.from(SAMPLE_CERT).toString("base64"),
  caKeyPemBase64: Buffer.from(SAMPLE_KEY).toString("base64"),
  bootstrapToken: "abcdef.0123456789abcdef",
  sshAuthorizedKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISampleAdminKeyNotRealAtAll0000000000000000 clusterkit-lab-admin",
  sshHostPrivateKey: fakePem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAAsampleHOSTkeyNotReal"),
  sshHostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISampleHostKeyNotRealAtAll00000000000000000 clusterkit-host",
};

/** Rendered seed documents per node name. */
export function renderAll(config: LocalConfig): Map<string, SeedDocuments> {
  return new Map(clusterNodes(config).map((n) => [n.vm.name, renderSeed(config, n, SAMPLE_SECRETS).documents]));
}

export interface WriteFileEntry {
  path: string;
  content: string;
  permissions: string;
  owner?: string;
  encoding?: string;
}

export interface CloudConfigDoc {
  hostname: string;
  packages?: string[];
  package_update?: boolean;
  write_files: WriteFileEntry[];
  runcmd: string[][];
  [key: string]: unknown;
}

export function parseUserData(userData: string): CloudConfigDoc {
  if (!userData.startsWith("#cloud-config\n")) throw new Error("user-data lacks the #cloud-config header");
  return parse(userData) as CloudConfigDoc;
}

export function writeFile(doc: CloudConfigDoc, path: string): WriteFileEntry {
  const f = doc.write_files.find((w) => w.path === path);
  if (!f) throw new Error(`no write_files entry ${path}; have ${doc.write_files.map((w) => w.path).join(", ")}`);
  return f;
}

/** All YAML documents of a multi-document string, as plain objects. */
export function yamlDocuments(text: string): Block[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Block);
}
