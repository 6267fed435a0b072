/**
 * Every external command the deploy step runs goes through a `Runner`, so tests can replace
 * terraform, kubectl and VBoxManage with a fake that records calls and answers from a script.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface RunOptions {
  /** Working directory. @default the current directory */
  readonly cwd?: string;
  /** Variables added to (or overriding) the current environment. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes written to the command's standard input (how Secret values travel: never argv, never disk). @default none */
  readonly input?: string;
  /** Receives output as it arrives (long terraform runs show progress). @default output is only captured */
  readonly onOutput?: (chunk: string) => void;
  /** Kills the command after this many milliseconds. @default no limit */
  readonly timeoutMs?: number;
  /** File mode creation mask of the command (0o077: what it creates is owner-only). @default this process's umask */
  readonly umask?: number;
}

export interface RunResult {
  /** Exit code; 127 when the command could not be started. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Runner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

/** Runs real processes. */
export const processRunner: Runner = {
  run(cmd, args, opts = {}) {
    return new Promise((resolvePromise) => {
      // The child inherits the umask at spawn time; restore ours right after (spawn is synchronous).
      const previousUmask = opts.umask === undefined ? undefined : process.umask(opts.umask);
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(cmd, [...args], {
          cwd: opts.cwd,
          env: { ...process.env, ...opts.env },
          stdio: ["pipe", "pipe", "pipe"],
          timeout: opts.timeoutMs,
        });
      } finally {
        if (previousUmask !== undefined) process.umask(previousUmask);
      }
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        opts.onOutput?.(chunk);
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        opts.onOutput?.(chunk);
      });
      child.on("error", (err: NodeJS.ErrnoException) => {
        resolvePromise({ code: 127, stdout, stderr: `${stderr}${cmd}: ${err.code === "ENOENT" ? "command not found" : err.message}\n` });
      });
      const started = Date.now();
      child.on("close", (code, signal) => {
        // Node kills with SIGTERM when `timeout` expires; saying so lets callers retry a call that
        // was merely slow (an overloaded API server) instead of treating it as a real failure.
        const timedOut = signal === "SIGTERM" && opts.timeoutMs !== undefined && Date.now() - started >= opts.timeoutMs;
        const limit = opts.timeoutMs! >= 1000 ? `${Math.round(opts.timeoutMs! / 1000)}s` : `${opts.timeoutMs}ms`;
        const killed = `${cmd}: killed by ${signal}${timedOut ? ` at its time limit of ${limit}` : ""}\n`;
        resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}${killed}` : stderr });
      });
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input ?? "");
    });
  },
};

/** Absolute path of `name` on `PATH` (honouring PATHEXT on Windows), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean);
  const exts = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
      } catch {
        // unreadable PATH entries are skipped, as a shell would
      }
    }
  }
  return undefined;
}

/** The last `lines` lines of a command's output, for error messages. */
export function tail(text: string, lines = 8): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
