/**
 * After `terraform apply`: record the stack's outputs in state/<env>/outputs.json (for the
 * diagram; synthesis takes them as an argument, see src/synth/stack-outputs.ts), and refuse
 * manifests that still carry a value only a deployed stack can provide.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ACK_OUTPUTS, NAS_SERVER_PLACEHOLDER } from "../contracts/stack-outputs";
import { UserError } from "../errors";
import { stackOutputsPath } from "../synth/stack-outputs";
import { manifestFiles } from "./manifest-files";
import { writeFileAtomic } from "./state-files";

/** Placeholders charts write while a stack output is unknown, and the output that replaces each. */
const OUTPUT_PLACEHOLDERS: readonly { readonly text: string; readonly output: string }[] = [{ text: NAS_SERVER_PLACEHOLDER, output: ACK_OUTPUTS.nas_server }];

/**
 * Records the stack's outputs. Sensitive outputs are left out: manifests never carry secrets,
 * and this file is plain JSON on disk.
 */
export function writeStackOutputs(root: string, environment: string, outputs: Record<string, { value: unknown; sensitive?: boolean }>): string[] {
  const kept: Record<string, { value: unknown }> = {};
  for (const [name, o] of Object.entries(outputs)) if (!o.sensitive) kept[name] = { value: o.value };
  const file = join(root, stackOutputsPath(environment));
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Atomic: a full disk or a kill leaves the previous file, never an empty or torn one.
  writeFileAtomic(file, `${JSON.stringify(kept, null, 2)}\n`);
  return Object.keys(kept);
}

/** Throws when a manifest still holds a placeholder for a stack output. */
export function assertNoPlaceholders(dir: string, environment: string): void {
  const problems: string[] = [];
  for (const file of manifestFiles(dir)) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const p of OUTPUT_PLACEHOLDERS) {
      if (text.includes(p.text))
        problems.push(
          `${file} still contains ${p.text}: the stack output '${p.output}' is missing from the outputs of terraform apply (recorded in ${stackOutputsPath(environment)})`,
        );
    }
  }
  if (problems.length)
    throw new UserError(`refusing to apply manifests for ${environment} that depend on Terraform outputs it did not provide:`, [
      ...problems,
      "check `terraform output` in cdktf.out/stacks/" + environment + " and run the same command again",
    ]);
}
