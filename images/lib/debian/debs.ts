/**
 * The shared .deb cache (.cache/images/debs): every locked package is fetched once, verified
 * against its locked SHA-256, and reused by every root filesystem and every later build. Builds
 * then install from a local flat repository holding exactly the locked .debs, so apt cannot pick
 * any other version.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE } from "../constants";
import { ImageBuildError } from "../errors";
import { runSync } from "../exec";
import { debFileName, type LockedPackage, type RootfsSpec, sha256Hex, sourceLines } from "./spec";

export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** True when the cache holds this package with the locked checksum. */
function cachedDebOk(p: LockedPackage, dir: string = CACHE.debs): boolean {
  const path = join(dir, debFileName(p));
  return existsSync(path) && statSync(path).size === p.size && fileSha256(path) === p.sha256;
}

/** apt with its own lists, cache and (empty) dpkg status, so the host's apt setup is never used or touched. */
function privateApt(spec: Pick<RootfsSpec, "backports">): string[] {
  const dir = join(CACHE.apt, spec.backports ? "with-backports" : "default");
  for (const d of ["lists/partial", "cache/archives/partial", "etc/preferences.d", "etc/apt.conf.d", "etc/trusted.gpg.d"])
    mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, "sources.list"), sourceLines(spec).join("\n") + "\n");
  if (!existsSync(join(dir, "status"))) writeFileSync(join(dir, "status"), "");
  return [
    "-o",
    `Dir::Etc::SourceList=${join(dir, "sources.list")}`,
    "-o",
    `Dir::Etc::SourceParts=${join(dir, "etc", "sources.list.d-none")}`,
    "-o",
    `Dir::Etc::Parts=${join(dir, "etc", "apt.conf.d")}`,
    "-o",
    `Dir::Etc::PreferencesParts=${join(dir, "etc", "preferences.d")}`,
    "-o",
    `Dir::State::Lists=${join(dir, "lists")}`,
    "-o",
    `Dir::State::status=${join(dir, "status")}`,
    "-o",
    `Dir::Cache=${join(dir, "cache")}`,
    "-o",
    "APT::Architecture=amd64",
    "-o",
    "Acquire::Languages=none",
    "-o",
    "APT::Sandbox::User=root",
    "-o",
    "Debug::NoLocking=1",
  ];
}

/**
 * Makes sure every package is in the cache with its locked checksum, downloading missing ones
 * (exact versions) from the mirror. Refuses, naming each package, when the mirror dropped one.
 */
export function ensureDebs(rootfs: string, spec: RootfsSpec, packages: readonly LockedPackage[], log: (line: string) => void): void {
  mkdirSync(CACHE.debs, { recursive: true });
  const missing = packages.filter((p) => !cachedDebOk(p));
  if (missing.length === 0) return;
  log(`downloading ${missing.length} of ${packages.length} .debs for ${rootfs}`);
  const apt = privateApt(spec);
  const update = runSync("apt-get", [...apt, "-q", "update"]);
  if (update.status !== 0)
    throw new ImageBuildError(
      `apt-get update against the Debian mirror failed; the build needs ${missing.length} packages that are not in ${CACHE.debs}`,
      update.stderr.trim().split("\n").slice(-8),
    );
  const stage = join(CACHE.tmp, `download-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    const dl = runSync("apt-get", [...apt, "-q", "download", ...missing.map((p) => `${p.name}:${p.arch}=${p.version}`)], { cwd: stage });
    if (dl.status !== 0) {
      // Name every package the mirror lacks: `apt-cache madison` lists the versions it has.
      const madison = runSync("apt-cache", [...apt, "madison", ...new Set(missing.map((p) => p.name))]).stdout;
      const offered = new Set(
        madison
          .split("\n")
          .map((l) => l.split("|").map((f) => f.trim()))
          .filter((f) => f.length >= 2)
          .map(([n, v]) => `${n} ${v}`),
      );
      const unavailable = missing.filter((p) => !offered.has(`${p.name} ${p.version}`));
      if (unavailable.length === 0) throw new ImageBuildError(`apt-get download failed for root filesystem ${rootfs}`, dl.stderr.trim().split("\n").slice(-8));
      throw new ImageBuildError(
        `root filesystem ${rootfs}: the Debian mirror no longer has ${unavailable.length === 1 ? "this locked package" : "these locked packages"} (and ${CACHE.debs} does not hold ${unavailable.length === 1 ? "it" : "them"}):`,
        [
          ...unavailable.map((p) => `  ${p.name} ${p.version} (${p.arch})`),
          `fix: run \`npm run images -- lock --update ${rootfs}\` to pin the mirror's current versions (this changes the image tags), rebuild, and commit images/debian.lock.json and images/images.lock.json`,
        ],
      );
    }
    for (const p of missing) {
      const file = join(stage, debFileName(p));
      if (!existsSync(file)) throw new ImageBuildError(`apt-get download did not produce ${debFileName(p)}`);
      const sum = fileSha256(file);
      if (sum !== p.sha256)
        throw new ImageBuildError(
          `${debFileName(p)}: SHA-256 ${sum} differs from the locked ${p.sha256}; the mirror serves a different file under the same version — refusing it`,
        );
      renameSync(file, join(CACHE.debs, debFileName(p)));
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Adds .debs found in a directory (mmdebstrap's apt cache after a lock run) to the shared cache. */
export function importDebs(fromDir: string): number {
  mkdirSync(CACHE.debs, { recursive: true });
  let n = 0;
  for (const f of readdirSync(fromDir)) {
    if (!f.endsWith(".deb")) continue;
    const dest = join(CACHE.debs, f);
    if (!existsSync(dest)) {
      copyFileSync(join(fromDir, f), `${dest}.tmp`);
      renameSync(`${dest}.tmp`, dest);
      n++;
    }
  }
  return n;
}

/** Package, Version and Architecture of a .deb, read with dpkg-deb. */
export function debIdentity(path: string): { name: string; version: string; arch: string } {
  const r = runSync("dpkg-deb", ["--field", path, "Package", "Version", "Architecture"]);
  if (r.status !== 0) throw new ImageBuildError(`dpkg-deb cannot read ${path}: ${r.stderr.trim()}`);
  const fields = Object.fromEntries(
    r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { name: fields.Package!, version: fields.Version!, arch: fields.Architecture! };
}

/**
 * A flat apt repository holding exactly `packages` (hard links into the cache), with a Packages
 * index built from the .debs' own control data and a Release naming the suite, so mmdebstrap's
 * essential-set selection works on it.
 */
export function localRepo(key: string, packages: readonly LockedPackage[]): string {
  const dir = join(CACHE.repos, key);
  if (existsSync(join(dir, "Release"))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const stanzas: string[] = [];
  for (const p of [...packages].sort((a, b) => a.name.localeCompare(b.name))) {
    const file = debFileName(p);
    try {
      linkSync(join(CACHE.debs, file), join(tmp, file));
    } catch {
      copyFileSync(join(CACHE.debs, file), join(tmp, file));
    }
    const control = runSync("dpkg-deb", ["--field", join(tmp, file)]);
    if (control.status !== 0) throw new ImageBuildError(`dpkg-deb cannot read ${file}: ${control.stderr.trim()}`);
    stanzas.push(`${control.stdout.trimEnd()}\nFilename: ./${file}\nSize: ${p.size}\nSHA256: ${p.sha256}\n`);
  }
  const index = stanzas.join("\n");
  writeFileSync(join(tmp, "Packages"), index);
  writeFileSync(
    join(tmp, "Release"),
    [
      "Origin: clusterkit",
      "Label: clusterkit locked packages",
      "Suite: bookworm",
      "Codename: bookworm",
      "Architectures: amd64 all",
      "SHA256:",
      ` ${sha256Hex(index)} ${Buffer.byteLength(index)} Packages`,
      "",
    ].join("\n"),
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
