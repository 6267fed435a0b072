/** Runs a program without a shell (arguments are never interpolated into a command line). */
import { spawn, spawnSync } from "node:child_process";
import { ImageBuildError } from "./errors";

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runSync(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, input: opts.input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error)
    throw new ImageBuildError(`cannot run ${cmd}: ${(r.error as NodeJS.ErrnoException).code === "ENOENT" ? "not installed (not on PATH)" : r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when `cmd` is on PATH. */
export function haveCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1" >/dev/null 2>&1', "sh", cmd]).status === 0;
}

/**
 * Runs a long program (mmdebstrap), streaming its stderr into `log` lines; resolves with the
 * exit status and the last lines of output for error messages.
 */
export function runLogged(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): Promise<{ status: number | null; tail: string[] }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (err) => reject(new ImageBuildError(`cannot run ${cmd}: ${err.message}`)));
    child.on("close", (status) => resolvePromise({ status, tail }));
  });
}
