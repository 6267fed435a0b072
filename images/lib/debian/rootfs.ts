/**
 * Root filesystem tars: resolved against the mirror when locking, built from the locked .debs,
 * cached under .cache/images/rootfs by the hash of spec + locked packages (+ mmdebstrap version).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { CACHE, IMAGE_UID, IMAGE_USER_NAME } from "../constants";
import { ImageBuildError } from "../errors";
import { runSync } from "../exec";
import { debIdentity, ensureDebs, fileSha256, importDebs, localRepo } from "./debs";
import type { RootfsLock } from "./lock";
import { detectMode, DPKG_SLIM, finishRootfsHook, type MmdebstrapMode, mmdebstrapVersion, runMmdebstrap, writeHook } from "./mmdebstrap";
import { canonicalSpec, type LockedPackage, packageName, type RootfsSpec, sha256Hex, sourceLines, specProblems } from "./spec";

/** Bumped when the way a rootfs is produced changes (hooks, options), so old cache entries are not reused. */
const ROOTFS_RECIPE_VERSION = 1;

/** Installed packages listed in a dpkg status file (name → "version arch"). */
export function parseDpkgStatus(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const stanza of text.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(stanza)?.[1]?.trim();
    const pkg = field("Package");
    if (!pkg || field("Status") !== "install ok installed") continue;
    out.set(pkg, `${field("Version")} ${field("Architecture")}`);
  }
  return out;
}

/** Extracts members of a tar (GNU tar; they are plain files mmdebstrap wrote). */
function extractMembers(tar: string, dest: string, members: string[]): void {
  mkdirSync(dest, { recursive: true });
  const r = runSync("tar", ["-xf", tar, "-C", dest, "--wildcards", "--no-same-owner", ...members]);
  if (r.status !== 0 && !/Not found in archive/.test(r.stderr)) throw new ImageBuildError(`cannot read ${members.join(", ")} from ${tar}: ${r.stderr.trim()}`);
}

function checkSpec(spec: RootfsSpec): void {
  const problems = specProblems(spec);
  if (problems.length) throw new ImageBuildError(`invalid root filesystem spec ${spec.name}`, problems);
}

/**
 * Lock: runs mmdebstrap against the real mirror, keeps what apt downloaded, and returns every
 * package with the SHA-256 of the file apt verified against the signed index. The .debs go into
 * the shared cache, so the first build after a lock downloads nothing.
 */
export async function resolveRootfs(spec: RootfsSpec, log: (line: string) => void, mode: MmdebstrapMode = detectMode()): Promise<RootfsLock> {
  checkSpec(spec);
  const work = join(CACHE.tmp, `lock-${spec.name}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const hook = writeHook(join(work, "hooks"), "finish", finishRootfsHook(spec, IMAGE_UID, IMAGE_USER_NAME));
    const out = join(work, "rootfs.tar");
    await runMmdebstrap({ spec, mode, sources: sourceLines(spec), format: "tar", output: out, finishHooks: [hook], keepDebs: true, literalSuites: true }, log);
    const files = join(work, "files");
    extractMembers(out, files, ["./var/cache/apt/archives/*.deb", "./var/lib/dpkg/status"]);
    const archives = join(files, "var", "cache", "apt", "archives");
    const debs = existsSync(archives) ? readdirSync(archives).filter((f) => f.endsWith(".deb")) : [];
    if (debs.length === 0) throw new ImageBuildError(`mmdebstrap kept no .debs for ${spec.name}; cannot lock it`);
    const packages: LockedPackage[] = debs.map((f) => {
      const path = join(archives, f);
      const id = debIdentity(path);
      return { ...id, sha256: fileSha256(path), size: statSync(path).size };
    });
    if (spec.variant === "essential") {
      const installed = parseDpkgStatus(readFileSync(join(files, "var", "lib", "dpkg", "status"), "utf8"));
      const downloaded = new Map(packages.map((p) => [p.name, `${p.version} ${p.arch}`]));
      const diff = [...installed].filter(([n, v]) => downloaded.get(n) !== v).concat([...downloaded].filter(([n]) => !installed.has(n)));
      if (diff.length)
        throw new ImageBuildError(
          `root filesystem ${spec.name}: installed packages differ from the downloaded ones`,
          diff.map(([n, v]) => `  ${n} ${v}`),
        );
    }
    for (const p of spec.include.map(packageName)) {
      if (!packages.some((x) => x.name === p)) throw new ImageBuildError(`root filesystem ${spec.name}: ${p} was requested but not installed`);
    }
    log(`locked ${spec.name}: ${packages.length} packages (${importDebs(archives)} new in the .deb cache)`);
    return { spec: canonicalSpec(spec), resolvedAt: new Date().toISOString(), packages: packages.sort((a, b) => a.name.localeCompare(b.name)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Cache key of a root filesystem: spec, locked packages, the finishing hook and dpkg filters,
 * the mmdebstrap version, and this builder's recipe version (bump it for other changes).
 */
function rootfsKey(spec: RootfsSpec, lock: RootfsLock, mmdebstrap: string): string {
  const packages = lock.packages.map((p) => `${p.name} ${p.version} ${p.arch} ${p.sha256}`);
  const hook = finishRootfsHook(spec, IMAGE_UID, IMAGE_USER_NAME);
  return sha256Hex(JSON.stringify({ v: ROOTFS_RECIPE_VERSION, spec: canonicalSpec(spec), packages, hook, dpkg: DPKG_SLIM, mmdebstrap }));
}

export interface BuiltRootfs {
  /** Uncompressed rootfs tar, ready to be a layer. */
  readonly tar: string;
  readonly key: string;
  /** True when it came from the cache. */
  readonly cached: boolean;
}

/** Builds (or takes from the cache) the root filesystem tar with exactly the locked packages. */
export async function buildRootfs(spec: RootfsSpec, lock: RootfsLock, log: (line: string) => void): Promise<BuiltRootfs> {
  checkSpec(spec);
  const mode = detectMode();
  const key = rootfsKey(spec, lock, mmdebstrapVersion());
  const tar = join(CACHE.rootfs, `${spec.name}-${key.slice(0, 16)}.tar`);
  if (existsSync(tar)) return { tar, key, cached: true };
  ensureDebs(spec.name, spec, lock.packages, log);
  const repo = localRepo(key.slice(0, 16), lock.packages);
  const work = join(CACHE.tmp, `rootfs-${spec.name}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const hook = writeHook(join(work, "hooks"), "finish", finishRootfsHook(spec, IMAGE_UID, IMAGE_USER_NAME));
    const out = join(work, "rootfs.tar");
    log(`building root filesystem ${spec.name} (${lock.packages.length} packages, mmdebstrap ${mode} mode)`);
    // copy:// (not file://): apt copies the .debs into the chroot, where dpkg finds them in every variant and mode.
    await runMmdebstrap(
      { spec, mode, sources: [`deb [trusted=yes] copy://${repo} ./`], format: "tar", output: out, finishHooks: [hook], keepDebs: false, literalSuites: false },
      log,
    );
    if (spec.variant === "essential") {
      extractMembers(out, join(work, "check"), ["./var/lib/dpkg/status"]);
      const installed = parseDpkgStatus(readFileSync(join(work, "check", "var", "lib", "dpkg", "status"), "utf8"));
      const locked = new Map(lock.packages.map((p) => [p.name, `${p.version} ${p.arch}`]));
      const diff = [...locked].filter(([n, v]) => installed.get(n) !== v).map(([n, v]) => `  locked ${n} ${v}, installed ${installed.get(n) ?? "nothing"}`);
      diff.push(...[...installed].filter(([n]) => !locked.has(n)).map(([n, v]) => `  installed ${n} ${v}, not in the lock`));
      if (diff.length) throw new ImageBuildError(`root filesystem ${spec.name} does not match images/debian.lock.json; run \`npm run images -- lock\``, diff);
    }
    mkdirSync(CACHE.rootfs, { recursive: true });
    renameSync(out, tar);
    return { tar, key, cached: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
