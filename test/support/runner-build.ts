/**
 * The executor runner (service/executor/runner.c) compiled with the host's gcc for the fast tier,
 * with the flags the image build uses plus -Wextra, and no warning allowed. Cached under
 * `.cache/executor-test/` by the source's hash. (The images compile it with the locked gcc inside
 * the C executor's root filesystem: images/lib/runner.ts.)
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");
export const RUNNER_SOURCE = join(REPO_ROOT, "service", "executor", "runner.c");
const CACHE = join(REPO_ROOT, ".cache", "executor-test");

const RUNNER_BUILD_FLAGS = ["-static", "-O2", "-Wall", "-Wextra"];

/** Path of the compiled runner. */
export function buildRunner(outDir: string = CACHE): string {
  const source = readFileSync(RUNNER_SOURCE);
  const out = join(outDir, `faas-runner-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`);
  if (existsSync(out)) return out;
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const r = spawnSync("gcc", [...RUNNER_BUILD_FLAGS, "-o", tmp, RUNNER_SOURCE], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gcc could not build ${RUNNER_SOURCE}:\n${r.stderr}`);
  if (r.stderr.trim()) throw new Error(`gcc warned about ${RUNNER_SOURCE} (the build must be warning-free):\n${r.stderr}`);
  renameSync(tmp, out);
  return out;
}
