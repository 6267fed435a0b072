/** Runs the project's command-line entry points in a child process, as a user would. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ORIGINAL_TMPDIR } from "./temp-dir";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `src/<entry>` with tsx; `env` is added to the current environment. */
export function runEntry(entry: string, args: readonly string[], env: Record<string, string | undefined> = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    // The child gets the usual TMPDIR back: tsx keeps its compile cache there.
    env: { ...process.env, TMPDIR: ORIGINAL_TMPDIR, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder inside this test file's temporary folder (deleted after the file, see temp-dir.ts). */
export function scratchDir(prefix = "clusterkit-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a config override file (JSON) into a scratch folder and returns its path. */
export function configFile(content: unknown, dir = scratchDir()): string {
  const file = join(dir, "clusterkit.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}
