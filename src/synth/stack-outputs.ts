/**
 * Terraform outputs that manifests need (e.g. the NAS mount target on ACK). The deploy step writes
 * them after `terraform apply` with `terraform output -json` to `state/<env>/outputs.json`; synth
 * reads that file when present. Values the file does not provide are reported, never invented.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_FILES, statePath } from "../config/state-paths";
import { UserError } from "../errors";

/** Path of an environment's outputs file, relative to the project root. */
export function stackOutputsPath(environment: string): string {
  return statePath(environment, STATE_FILES.outputs);
}

/**
 * Output values by name (non-string values are JSON-encoded; null means "not provided"), or
 * undefined when not deployed yet. A file that is not a JSON object (an interrupted write, a hand
 * edit) is a UserError naming the file and the fix, never a stack trace.
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
    throw new UserError(`cannot read the stack outputs ${relative}: expected a JSON object of outputs ({"name": {"value": ...}}), found ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`, [fix]);
  }
  const out: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (!entry || typeof entry !== "object" || !("value" in entry)) continue;
    const value = (entry as { value: unknown }).value;
    if (value === null || value === undefined) continue;
    out[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
