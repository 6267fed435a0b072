/**
 * Tests that need something this machine may lack (a tool, a folder, root or not root) register
 * through `itIf`: when a reason to skip exists the test is registered as skipped with the reason
 * in its title, so jest's output (and the skip list the reporter prints) says why.
 */
import { it } from "@jest/globals";
import { spawnSync } from "node:child_process";

type TestFn = () => void | Promise<void>;

/** Registers `fn` as a test, or as a skipped test naming `skipReason` when it is set. */
export function itIf(skipReason: string | undefined, name: string, fn: TestFn, timeout?: number): void {
  if (skipReason) it.skip(`${name} [skipped: ${skipReason}]`, fn);
  else it(name, fn, timeout);
}

const found = new Map<string, boolean>();

export function hasTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" }).status === 0;
    found.set(tool, ok);
  }
  return ok;
}

/** Why a test needing `tools` cannot run here, or undefined when every tool is installed. */
export function missingTools(tools: readonly string[], install?: string): string | undefined {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) return undefined;
  return `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed${install ? ` (${install})` : ""}`;
}
