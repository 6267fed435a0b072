/**
 * Tests that need something this machine may lack (a tool, a folder, root or not root) register
 * through `itIf`: when a reason to skip exists the test is registered as skipped with the reason
 * in its title, so jest's output (and the skip list the reporter prints) says why.
 */
import { it } from "@jest/globals";

type TestFn = () => void | Promise<void>;

/** Registers `fn` as a test, or as a skipped test naming `skipReason` when it is set. */
export function itIf(skipReason: string | undefined, name: string, fn: TestFn, timeout?: number): void {
  if (skipReason) it.skip(`${name} [skipped: ${skipReason}]`, fn);
  else it(name, fn, timeout);
}

export { hasTool, missingTools } from "./tools";
