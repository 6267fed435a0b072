/**
 * Every external command the deploy step runs goes through a `Runner`, so tests can replace
 * terraform, kubectl and VBoxManage with a fake that records calls and answers from a script.
 *
 * The real runner starts each command in its own process group with only the environment that tool
 * needs (child-env.ts). A time limit stops the whole group (a kubectl plugin or credential helper
 * that keeps the output open cannot outlive it), and a stop request (Ctrl-C, SIGTERM) is forwarded
 * to the group in the form the tool stops cleanly with, then waited for (interrupt.ts).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { childEnvironment } from "./child-env";
import type { Interruption, StopSignal } from "./interrupt";

export interface RunOptions {
  /** Working directory. @default the current directory */
  readonly cwd?: string;
  /** Variables added to (or overriding) the tool's minimal environment (child-env.ts). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes written to the command's standard input (how Secret values travel: never argv, never disk). @default none */
  readonly input?: string;
  /** Receives output as it arrives (long terraform runs show progress). @default output is only captured */
  readonly onOutput?: (chunk: string) => void;
  /** Stops the command (its whole process group) after this many milliseconds. @default no limit */
  readonly timeoutMs?: number;
  /** File mode creation mask of the command (0o077: what it creates is owner-only). @default this process's umask */
  readonly umask?: number;
  /**
   * How the command is stopped when the user interrupts: the signal it stops cleanly with, and how
   * long to wait before killing it. @default SIGTERM, 10 s
   */
  readonly stop?: { readonly signal: NodeJS.Signals; readonly graceMs: number };
}

export interface RunResult {
  /** Exit code; 127 when the command could not be started. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when a stop request reached this command while it ran (it was forwarded). */
  readonly interrupted?: StopSignal;
}

export interface Runner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export interface ProcessRunnerOptions {
  /** The environment tools' minimal environments are taken from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Stop requests to forward to running commands. @default none */
  readonly interruption?: Interruption;
  /** After a time limit's SIGTERM, how long before SIGKILL. @default 5000 */
  readonly killGraceMs?: number;
}

/** Own process groups are a POSIX notion; on Windows the child is signalled directly. */
const GROUPS = process.platform !== "win32";
/** After the command exits, how long its output may stay open (a grandchild holding it) before the group is killed. */
const DRAIN_MS = 2000;

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
}

/** A runner of real processes. */
export function createProcessRunner(options: ProcessRunnerOptions = {}): Runner {
  const baseEnv = options.env ?? process.env;
  const killGraceMs = options.killGraceMs ?? 5000;
  return {
    run(cmd, args, opts = {}) {
      const interruption = options.interruption;
      if (interruption?.signal)
        return Promise.resolve({
          code: 130,
          stdout: "",
          stderr: `${cmd}: not started: interrupted by ${interruption.signal}\n`,
          interrupted: interruption.signal,
        });
      return new Promise((resolvePromise) => {
        // The child inherits the umask at spawn time; restore ours right after (spawn is synchronous).
        const previousUmask = opts.umask === undefined ? undefined : process.umask(opts.umask);
        let child: ChildProcessWithoutNullStreams;
        try {
          child = spawn(cmd, [...args], {
            cwd: opts.cwd,
            env: { ...childEnvironment(cmd, baseEnv), ...opts.env },
            stdio: ["pipe", "pipe", "pipe"],
            detached: GROUPS,
          });
        } finally {
          if (previousUmask !== undefined) process.umask(previousUmask);
        }
        let stdout = "";
        let stderr = "";
        let note = "";
        let timedOut = false;
        let interrupted: StopSignal | undefined;
        let settled = false;
        const timers: NodeJS.Timeout[] = [];
        const signalGroup = (signal: NodeJS.Signals) => {
          try {
            if (GROUPS && child.pid !== undefined) process.kill(-child.pid, signal);
            else child.kill(signal);
          } catch {
            // already gone
          }
        };
        const later = (ms: number, fn: () => void) => {
          const t = setTimeout(fn, ms);
          t.unref();
          timers.push(t);
        };
        const finish = (result: RunResult) => {
          if (settled) return;
          settled = true;
          for (const t of timers) clearTimeout(t);
          unsubscribe?.();
          resolvePromise(result);
        };
        const unsubscribe = interruption?.on((signal, count) => {
          interrupted ??= signal;
          if (count === 1) {
            const stop = opts.stop ?? { signal: "SIGTERM", graceMs: 10_000 };
            signalGroup(stop.signal);
            later(stop.graceMs, () => {
              note += `${cmd}: did not stop within ${formatMs(stop.graceMs)} of ${stop.signal}; killed\n`;
              signalGroup("SIGKILL");
            });
          } else if (count >= 3) {
            note += `${cmd}: killed after a third stop request\n`;
            signalGroup("SIGKILL");
          }
        });
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk;
          opts.onOutput?.(chunk);
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk;
          opts.onOutput?.(chunk);
        });
        child.on("error", (err: NodeJS.ErrnoException) => {
          finish({ code: 127, stdout, stderr: `${stderr}${cmd}: ${err.code === "ENOENT" ? "command not found" : err.message}\n` });
        });
        if (opts.timeoutMs !== undefined) {
          const limit = opts.timeoutMs;
          later(limit, () => {
            timedOut = true;
            // Said this way so callers can retry a call that was merely slow (apply.ts TRANSIENT).
            note += `${cmd}: killed by SIGTERM at its time limit of ${formatMs(limit)}\n`;
            signalGroup("SIGTERM");
            later(killGraceMs, () => signalGroup("SIGKILL"));
          });
        }
        let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
        const done = () => {
          const { code, signal } = exit!;
          const killed = signal && !timedOut ? `${cmd}: killed by ${signal}\n` : "";
          finish({ code: code ?? (signal ? 128 : 1), stdout, stderr: `${stderr}${killed}${note}`, ...(interrupted ? { interrupted } : {}) });
        };
        child.on("exit", (code, signal) => {
          exit = { code: timedOut && code === null ? null : code, signal };
          // Output still open after the command exited: a grandchild holds it. Give it a moment, then stop the group.
          later(DRAIN_MS, () => {
            signalGroup("SIGKILL");
            child.stdout.destroy();
            child.stderr.destroy();
            done();
          });
        });
        child.on("close", () => {
          if (exit) done();
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.input ?? "");
      });
    },
  };
}

/** Runs real processes with this process's environment as the source of each tool's. */
export const processRunner: Runner = createProcessRunner();

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
