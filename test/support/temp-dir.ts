/**
 * Every test file gets its own temporary folder: this setup file (jest `setupFilesAfterEnv`)
 * points os.tmpdir() (and TMPDIR, for child processes) at a fresh folder before the file's tests
 * and deletes it afterwards, so whatever a test or a library it calls creates there (scratch
 * roots, stub PATH folders, cdktf's `Testing` outdirs) is removed with it, even when a test fails.
 * os.tmpdir itself is replaced because jest's sandboxed process.env does not reach Node's own.
 */
import { afterAll } from "@jest/globals";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/** TMPDIR as it was before this file's tests; tsx children get it back (tsx keeps its cache there). */
export const ORIGINAL_TMPDIR = process.env.TMPDIR;
const originalTmpdir = os.tmpdir;
const dir = mkdtempSync(join(originalTmpdir(), "clusterkit-jest-"));
// Traversable like /tmp itself (not listable): tests that drop privileges (e.g. to nobody) reach their files.
chmodSync(dir, 0o711);
os.tmpdir = () => dir;
process.env.TMPDIR = dir;

const shortDirs: string[] = [];

/**
 * A folder with a short absolute path, also removed after the file's tests. For tools that limit
 * path length: podman refuses a `--runroot` longer than 50 characters, and unix socket paths stop
 * at 108 — the per-file folder above, nested, exceeds the first.
 */
export function shortTempDir(prefix = "ck-"): string {
  const short = mkdtempSync(join(existsSync("/tmp") ? "/tmp" : originalTmpdir(), prefix));
  shortDirs.push(short);
  return short;
}

afterAll(() => {
  for (const d of shortDirs) rmSync(d, { recursive: true, force: true });
  os.tmpdir = originalTmpdir;
  if (ORIGINAL_TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = ORIGINAL_TMPDIR;
  rmSync(dir, { recursive: true, force: true });
});
