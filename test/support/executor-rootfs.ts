/**
 * A stand-in for the executor images until the repository's image build lands: one Debian root
 * filesystem (mmdebstrap, essential variant) with the three toolchains and the runner compiled
 * from service/executor/runner.c, run with `podman run --rootfs`. Cached under
 * `.cache/executor-test/` by the hash of its package list, so only the first run downloads.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { missingTools } from "./tools";

export const REPO_ROOT = join(__dirname, "..", "..");
export const RUNNER_SOURCE = join(REPO_ROOT, "service", "executor", "runner.c");
const CACHE = join(REPO_ROOT, ".cache", "executor-test");

/** What the root filesystem holds; its hash names the cached directory. */
export const EXECUTOR_TEST_ROOTFS = {
  variant: "essential",
  suite: "bookworm",
  mirror: "http://deb.debian.org/debian",
  packages: ["gcc", "golang-go", "libc6-dev", "nodejs"],
} as const;

/** The build command the image build uses too (static, libc only). */
export const RUNNER_BUILD_FLAGS = ["-static", "-O2", "-Wall", "-Wextra"];

/** Why the test root filesystem cannot be built here, or undefined. */
export function executorRootfsSkipReason(): string | undefined {
  const missing = missingTools(["mmdebstrap", "gcc"], "apt-get install mmdebstrap gcc");
  if (missing) return missing;
  if (process.getuid?.() !== 0) return "mmdebstrap builds the test root filesystem as root";
  return undefined;
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Compiles the runner with the host's gcc (bookworm's gcc 12 and glibc, as in the images). */
export function buildRunner(outDir: string = CACHE): string {
  const source = readFileSync(RUNNER_SOURCE);
  const out = join(outDir, `faas-runner-${sha256(source).slice(0, 16)}`);
  if (existsSync(out)) return out;
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const r = spawnSync("gcc", [...RUNNER_BUILD_FLAGS, "-o", tmp, RUNNER_SOURCE], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gcc could not build ${RUNNER_SOURCE}:\n${r.stderr}`);
  if (r.stderr.trim()) throw new Error(`gcc warned about ${RUNNER_SOURCE} (the build must be warning-free):\n${r.stderr}`);
  renameSync(tmp, out);
  return out;
}

/**
 * The root filesystem directory with the current runner at /usr/local/bin/faas-runner, building
 * it first when it is not cached (Debian downloads: about a minute on a warm mirror, ten on a cold one).
 */
export function executorTestRootfs(): string {
  const dir = join(CACHE, `rootfs-${sha256(JSON.stringify(EXECUTOR_TEST_ROOTFS)).slice(0, 16)}`);
  if (!existsSync(dir)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const { variant, suite, mirror, packages } = EXECUTOR_TEST_ROOTFS;
    const r = spawnSync("mmdebstrap", [`--variant=${variant}`, `--include=${packages.join(",")}`, suite, tmp, `deb ${mirror} ${suite} main`], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`mmdebstrap failed (exit ${r.status}):\n${(r.stderr ?? "").split("\n").slice(-20).join("\n")}`);
    }
    renameSync(tmp, dir);
  }
  // Mount points the executor Pod uses, so podman need not create them in a shared directory.
  for (const p of ["job", "work", "results", "tmp"]) mkdirSync(join(dir, p), { recursive: true });
  const runner = buildRunner();
  const installed = join(dir, "usr", "local", "bin", "faas-runner");
  if (!existsSync(installed) || sha256(readFileSync(installed)) !== sha256(readFileSync(runner))) {
    copyFileSync(runner, `${installed}.new`);
    chmodSync(`${installed}.new`, 0o755);
    renameSync(`${installed}.new`, installed);
  }
  return dir;
}
