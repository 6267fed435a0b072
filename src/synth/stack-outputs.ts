/**
 * Terraform outputs that manifests need (e.g. the NAS mount target on ACK), passed into synthesis
 * as an argument: deploy passes the real ones right after `terraform apply`; plain `npm run synth`
 * (and `cdk8s synth`) passes none, and the charts write documented placeholders
 * (`NAS_SERVER_PLACEHOLDER`) that deploy refuses to apply. Charts never read files.
 *
 * Deploy also records the outputs in `state/<env>/outputs.json` for `npm run diagram`, which reads
 * them back here (`readStackOutputs`). Values a file does not provide are reported, never invented.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_FILES, statePath } from "../contracts/state-paths";
import type { StackOutputs } from "../contracts/stack-outputs";
import { UserError } from "../errors";

/**
 * Outputs by environment name. An environment without an entry has not been deployed: its
 * manifests carry placeholders, silently. An entry (a deployed stack) that lacks an output the
 * manifests need gets a warning. @default {} (plain synth: every environment on placeholders)
 */
export type OutputsByEnvironment = Readonly<Partial<Record<string, StackOutputs>>>;

/**
 * Output values by name from `terraform output -json`'s shape ({"name": {"value": ...}}): non-string
 * values JSON-encoded; a null or missing value is "not provided", never the string "null".
 */
export function outputValues(raw: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw)) {
    if (!entry || typeof entry !== "object" || !("value" in entry)) continue;
    const value = (entry as { value: unknown }).value;
    if (value === null || value === undefined) continue;
    out[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Path of an environment's outputs file, relative to the project root. */
export function stackOutputsPath(environment: string): string {
  return statePath(environment, STATE_FILES.outputs);
}

/**
 * The outputs deploy recorded for `environment` (by Terraform name), or undefined when not deployed
 * yet. A file that is not a JSON object (an interrupted write, a hand edit) is a UserError naming
 * the file and the fix, never a stack trace. For the diagram; synthesis takes outputs as an argument.
 */
export function readStackOutputs(root: string, environment: string): Record<string, string> | undefined {
  const relative = stackOutputsPath(environment);
  const file = join(root, relative);
  if (!existsSync(file)) return undefined;
  const fix = `delete ${relative} and run \`npm run deploy -- ${environment}\` again (it rewrites the file from \`terraform output -json\`)`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read the stack outputs ${relative}: ${code ?? `not valid JSON (${(err as Error).message})`}`, [fix]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(
      `cannot read the stack outputs ${relative}: expected a JSON object of outputs ({"name": {"value": ...}}), found ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`,
      [fix],
    );
  }
  return outputValues(raw as Record<string, unknown>);
}
