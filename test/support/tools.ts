/**
 * Whether a command-line tool is installed, without jest (benchmarks and scripts use it too;
 * requires.ts builds the tests' skip reasons on it).
 */
import { spawnSync } from "node:child_process";

const found = new Map<string, boolean>();

export function hasTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" }).status === 0;
    found.set(tool, ok);
  }
  return ok;
}

/** Why something needing `tools` cannot run here, or undefined when every tool is installed. */
export function missingTools(tools: readonly string[], install?: string): string | undefined {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) return undefined;
  return `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed${install ? ` (${install})` : ""}`;
}
