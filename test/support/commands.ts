/** Runs a command in-process, as its entry script would, against a scratch root; output captured. */
import { type CommandMain, memoryIo, runCommand } from "../../src/cli/io";

export interface CommandResult {
  /** Exit status. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` is the whole environment the command sees (nothing leaks in from the test process). */
export async function runCommandIn(main: CommandMain, argv: readonly string[], root: string, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const io = memoryIo(env, root);
  const status = await runCommand(main, argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}
