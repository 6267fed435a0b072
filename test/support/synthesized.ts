/**
 * The default configuration of every environment, synthesized once per jest run by
 * synthesized-setup.ts (`npm run synth` into a scratch root), read back from its files: the
 * Terraform JSON of each stack and the objects of each chart, as deploy applies them. Reading
 * costs milliseconds; synthesizing again in every test file cost seconds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { ManifestObject } from "./k8s-validate";
import { SYNTHESIZED_ROOT_VARIABLE, synthesizeDefaults } from "./synthesized-setup";

/** The environments `npm run synth` writes (one stack and one manifest folder each). */
export const SYNTHESIZED_ENVIRONMENTS = ["local", "ack-managed", "ack-dedicated"] as const;
export type SynthesizedEnvironment = (typeof SYNTHESIZED_ENVIRONMENTS)[number];

let fallback: string | undefined;

/** The run's synthesized root (cdktf.out/ and dist/ inside). */
export function synthesizedRoot(): string {
  const root = process.env[SYNTHESIZED_ROOT_VARIABLE];
  if (root) return root;
  // Run without the global setup (another jest config): synthesize for this file alone, into its
  // temporary folder (removed after the file, see temp-dir.ts).
  fallback ??= synthesizeDefaults();
  return fallback;
}

/** The stack's Terraform JSON as text (`cdktf.out/stacks/<env>/cdk.tf.json`). */
export function stackText(env: SynthesizedEnvironment): string {
  return readFileSync(join(synthesizedRoot(), "cdktf.out", "stacks", env, "cdk.tf.json"), "utf8");
}

/** The manifest files of an environment (`dist/<env>/`), name -> text, in apply (name) order. */
export function manifestTexts(env: SynthesizedEnvironment): Map<string, string> {
  const dir = join(synthesizedRoot(), "dist", env);
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".k8s.yaml"))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

/** Objects per chart id (the file name without `.k8s.yaml`), in apply order. */
export function chartObjects(env: SynthesizedEnvironment): Map<string, ManifestObject[]> {
  return new Map(
    [...manifestTexts(env)].map(([file, text]) => [
      file.replace(/\.k8s\.yaml$/, ""),
      parseAllDocuments(text)
        .map((d) => d.toJSON() as ManifestObject)
        .filter(Boolean),
    ]),
  );
}
