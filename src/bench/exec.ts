/** Runs a program without a shell (arguments are data) and collects its output, with a time bound. */
import { spawn } from "node:child_process";

export interface ExecResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started or ran past its time bound. */
  readonly error?: string;
}

export function execFile(cmd: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    let error: string | undefined;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      error = `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 600_000);
    child.on("error", (err) => {
      error = err.message;
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ...(error ? { error } : {}) });
    });
  });
}

/** The last non-empty line of a failed command's output, for an error message. */
export function why(r: ExecResult): string {
  return r.error ?? `${r.stderr}\n${r.stdout}`.trim().split("\n").filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`;
}
