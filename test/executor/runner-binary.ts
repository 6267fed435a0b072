/**
 * The runner built with the host's gcc for the fast tier, and its two host-safe modes
 * (`report DIR`, `check LANGUAGE FILE`). `run` is only ever started inside a container.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRunner } from "../support/runner-build";
import { missingTools } from "../support/tools";

export const runnerSkipReason = missingTools(["gcc"], "apt-get install gcc libc6-dev");

let built: string | undefined;

/** Path of the runner compiled from service/executor/runner.c (cached by its hash). */
export function runner(): string {
  built ??= buildRunner();
  return built;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * The runner where another user can execute it: the build cache lives in the checkout, which may
 * sit in a folder only its owner can enter (mktemp -d, a home directory), so a copy goes into
 * this test file's temporary folder, which is traversable like /tmp.
 */
function runnerForOthers(): string {
  const copy = join(tmpdir(), "faas-runner");
  if (!existsSync(copy)) {
    copyFileSync(runner(), copy);
    chmodSync(copy, 0o755);
  }
  return copy;
}

/** Runs the runner; `uid` runs it as another user (root only). */
export function runRunner(args: readonly string[], options: { timeoutMs?: number; uid?: number } = {}): RunResult {
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const r = spawnSync(options.uid === undefined ? runner() : runnerForOthers(), args, {
    timeout: options.timeoutMs ?? 20_000,
    maxBuffer: 64 * 1024 * 1024,
    ...ids,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/** `faas-runner check` on an encoded source: the problems it prints (and its exit status). */
export function checkSource(language: string, encoded: string | Buffer): { problems: string[]; entry?: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), "runner-check-"));
  const file = join(dir, "source.json");
  writeFileSync(file, encoded);
  const r = runRunner(["check", language, file]);
  rmSync(dir, { recursive: true, force: true });
  const lines = r.stdout.toString("utf8").split("\n").filter(Boolean);
  const entry = lines.find((l) => l.startsWith("entry "))?.slice("entry ".length);
  return { problems: lines.filter((l) => !l.startsWith("entry ")), ...(entry ? { entry } : {}), status: r.status };
}
