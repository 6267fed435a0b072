/**
 * Terraform outputs that manifests need (e.g. the NAS mount target on ACK). The deploy step writes
 * them after `terraform apply` with `terraform output -json` to `state/<env>/outputs.json`; synth
 * reads that file when present. Values the file does not provide are reported, never invented.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Path of an environment's outputs file, relative to the project root. */
export function stackOutputsPath(environment: string): string {
  return join("state", environment, "outputs.json");
}

/** Output values by name (non-string values are JSON-encoded), or undefined when not deployed yet. */
export function readStackOutputs(root: string, environment: string): Record<string, string> | undefined {
  const file = join(root, stackOutputsPath(environment));
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, { value: unknown }>;
  const out: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw)) {
    if (entry && typeof entry === "object" && "value" in entry) {
      out[name] = typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
    }
  }
  return out;
}
