/**
 * Commands run against a `CliIo` instead of the process itself, so tests run them in-process
 * (fast) with captured output and their own environment; the entry scripts pass the real one.
 */
import { resolve } from "node:path";
import { type Reporter, streamReporter } from "../deploy/reporter";
import { fsUserError, UserError } from "../errors";

export interface CliIo {
  /** Standard output: results. */
  out(text: string): void;
  /** Standard error: progress, warnings and errors. */
  err(text: string): void;
  /** The user's environment (PATH, CLUSTERKIT_CONFIG, CLUSTERKIT_ROOT, INIT_CWD, credentials). */
  readonly env: NodeJS.ProcessEnv;
  /** The project root commands read and write under (CLUSTERKIT_ROOT lets tests use a scratch folder). */
  readonly root: string;
}

/** `CLUSTERKIT_ROOT` when set, else `checkout` (the folder holding package.json). */
function projectRoot(env: NodeJS.ProcessEnv, checkout: string): string {
  return env.CLUSTERKIT_ROOT ? resolve(env.CLUSTERKIT_ROOT) : checkout;
}

function processIo(checkout: string): CliIo {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env, root: projectRoot(process.env, checkout) };
}

/** A command's exit status: 0 unless it says otherwise. */
export type CommandMain = (argv: readonly string[], io: CliIo) => Promise<number | void> | number | void;

/**
 * Runs a command: a UserError prints `clusterkit: <message>` on stderr and gives its exit status
 * (1; 130 or 143 after Ctrl-C or SIGTERM); any other error is a bug and keeps its stack trace.
 */
export async function runCommand(main: CommandMain, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return (await main(argv, io)) ?? 0;
  } catch (err) {
    // A disk or permission error is the machine's state, not a bug: one line naming the file.
    const user = err instanceof UserError ? err : fsUserError(err, io.root);
    if (user) {
      io.err(`clusterkit: ${user.message}\n`);
      return user.exitCode;
    }
    throw err;
  }
}

/** Entry-script glue: runs `main` with the process's arguments and exits with its status. */
export function runEntry(main: CommandMain, checkout: string): void {
  void runCommand(main, process.argv.slice(2), processIo(checkout)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}

/** Captured output, for tests and for commands that call other commands. */
export function memoryIo(env: NodeJS.ProcessEnv, root: string): CliIo & { readonly stdout: () => string; readonly stderr: () => string } {
  let out = "";
  let err = "";
  return { out: (t) => void (out += t), err: (t) => void (err += t), env, root, stdout: () => out, stderr: () => err };
}

/** Progress output of long commands (deploy, box), on the command's stderr. */
export function reporterFor(io: CliIo): Reporter {
  return streamReporter({ write: (text: string) => (io.err(text), true) } as unknown as NodeJS.WritableStream);
}
