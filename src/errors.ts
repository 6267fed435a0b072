/** An error caused by the user's input or machine, reported as a message without a stack trace. */
export class UserError extends Error {
  /** One line per problem, each naming the field (or prerequisite) and the rule it breaks. */
  readonly problems: readonly string[];
  /**
   * Process exit status for the command-line entry points (130 after Ctrl-C, 143 after SIGTERM).
   * @default 1
   */
  readonly exitCode: number;

  constructor(summary: string, problems: readonly string[] = [], exitCode = 1) {
    super(problems.length ? `${summary}\n${problems.map((p) => `  - ${p}`).join("\n")}` : summary);
    this.name = "UserError";
    this.problems = problems;
    this.exitCode = exitCode;
  }

  /** The first line, without the problem list. */
  get summary(): string {
    return this.message.split("\n")[0]!;
  }
}

/** Longest piece of user input an error message repeats. */
const QUOTE_LIMIT = 80;

/**
 * User input as an error message shows it: JSON-quoted (so control characters and terminal escapes
 * cannot act), and cut after `max` characters. A config file that is really /etc/shadow, or a
 * megabyte-long value, is never echoed back whole.
 */
export function quote(value: unknown, max = QUOTE_LIMIT): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}` : text;
  const quoted = JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > max ? `${quoted}… (${text.length - max} more characters)` : quoted;
}

/** File-system failures that are the machine's state, not a bug: what each means and what to do. */
const FS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device; free some space",
  EDQUOT: "disk quota exceeded; free some space",
  EROFS: "the file system is read-only; make it writable",
  EACCES: "permission denied; give your user access to it",
  EPERM: "operation not permitted; give your user access to it",
  EMFILE: "too many open files; close other programs",
  ENFILE: "too many open files on this machine; close other programs",
  EIO: "input/output error from the disk",
};

const VERBS: Readonly<Record<string, string>> = {
  open: "open",
  write: "write",
  mkdir: "create the folder",
  rename: "replace",
  unlink: "delete",
  rmdir: "delete",
  read: "read",
  copyfile: "copy to",
  chmod: "change the mode of",
  fsync: "flush",
};

/**
 * One clear line for a disk or permission error (`cannot write state/local/outputs.json: no space
 * left on the device; …`), or undefined when `err` is something else.
 */
export function fsUserError(err: unknown, root?: string): UserError | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const why = e?.code ? FS_PROBLEMS[e.code] : undefined;
  if (!why || typeof e?.path !== "string") return undefined;
  const shown = root && e.path.startsWith(`${root}/`) ? e.path.slice(root.length + 1) : e.path;
  const verb = VERBS[e.syscall ?? ""] ?? "use";
  return new UserError(`cannot ${verb} ${shown}: ${why} (${e.code}), then run the same command again`);
}

/**
 * Runs a command-line entry point: a UserError (or a disk/permission error) prints its message and
 * exits non-zero; anything else is a bug and keeps its stack trace.
 */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    const user = err instanceof UserError ? err : fsUserError(err);
    if (user) {
      process.stderr.write(`clusterkit: ${user.message}\n`);
      process.exit(user.exitCode);
    }
    throw err;
  }
}
