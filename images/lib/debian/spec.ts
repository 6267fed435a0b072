/**
 * What a Debian root filesystem is made of. A recipe names one RootfsSpec; the lock
 * (images/debian.lock.json) records the exact package versions the spec resolved to.
 */
import { createHash } from "node:crypto";

/** Debian release every root filesystem comes from. */
export const DEBIAN_SUITE = "bookworm";

export interface RootfsSpec {
  /** Lock key and cache name (DNS-label style). Several images may share one root filesystem. */
  readonly name: string;
  /**
   * `essential`: Debian's Essential:yes set (coreutils, dash, …) plus `include`, installed with
   * dpkg (maintainer scripts run). `extract`: only `include` and its dependencies, unpacked without
   * running maintainer scripts — enough for a self-contained binary such as Node.
   */
  readonly variant: "essential" | "extract";
  /**
   * Packages beyond the variant's set. `name/bookworm-backports` takes one from backports (the
   * spec must then set `backports`). Dependencies are resolved by apt and locked too.
   */
  readonly include: readonly string[];
  /** Add bookworm-backports to the sources (for a newer Go, say). @default false */
  readonly backports?: boolean;
}

/** The mirror every lock is resolved from and missing .debs are downloaded from. */
function debianMirror(env: NodeJS.ProcessEnv = process.env): { debian: string; security: string } {
  // A local mirror or proxy may be named; the lock's SHA-256 sums still decide what is accepted.
  return {
    debian: env.CLUSTERKIT_DEBIAN_MIRROR ?? "http://deb.debian.org/debian",
    security: env.CLUSTERKIT_DEBIAN_SECURITY_MIRROR ?? "http://deb.debian.org/debian-security",
  };
}

const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** One-line apt sources for a spec (bookworm, -updates, -security, and -backports when asked). */
export function sourceLines(spec: Pick<RootfsSpec, "backports">, mirror = debianMirror(), signedBy: string | null = DEBIAN_KEYRING): string[] {
  const opt = signedBy ? `[signed-by=${signedBy}] ` : "";
  const lines = [
    `deb ${opt}${mirror.debian} ${DEBIAN_SUITE} main`,
    `deb ${opt}${mirror.debian} ${DEBIAN_SUITE}-updates main`,
    `deb ${opt}${mirror.security} ${DEBIAN_SUITE}-security main`,
  ];
  if (spec.backports) lines.push(`deb ${opt}${mirror.debian} ${DEBIAN_SUITE}-backports main`);
  return lines;
}

/** The sources.list written into every image: the public mirror, whatever mirror built it. */
export function imageSourcesList(spec: Pick<RootfsSpec, "backports">): string {
  return sourceLines(spec, { debian: "http://deb.debian.org/debian", security: "http://deb.debian.org/debian-security" }, null).join("\n") + "\n";
}

/** Spec problems, as `field: rule` strings. */
export function specProblems(spec: RootfsSpec): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(spec.name)) problems.push(`rootfs ${spec.name}: name must be a DNS label`);
  for (const p of spec.include) {
    const m = /^([a-z0-9][a-z0-9+.-]+)(\/([a-z-]+))?$/.exec(p);
    if (!m) problems.push(`rootfs ${spec.name}: include ${JSON.stringify(p)} must be a Debian package name, optionally /suite`);
    else if (m[3] && m[3] !== `${DEBIAN_SUITE}-backports`) problems.push(`rootfs ${spec.name}: include ${p}: only /${DEBIAN_SUITE}-backports may be named`);
    else if (m[3] && !spec.backports) problems.push(`rootfs ${spec.name}: include ${p} needs backports: true`);
  }
  return problems;
}

/** Package name without a /suite suffix. */
export function packageName(include: string): string {
  return include.split("/")[0]!;
}

export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  /** SHA-256 of the .deb as the signed mirror index listed it (apt verified it at lock time). */
  readonly sha256: string;
  readonly size: number;
}

/** The .deb file name apt uses (an epoch's ':' is written %3a). */
export function debFileName(p: Pick<LockedPackage, "name" | "version" | "arch">): string {
  return `${p.name}_${p.version.replace(/:/g, "%3a")}_${p.arch}.deb`;
}

/** Canonical form of a spec for hashing and for the lock (key order fixed). */
export function canonicalSpec(spec: RootfsSpec): { variant: string; include: string[]; backports: boolean } {
  return { variant: spec.variant, include: [...spec.include], backports: spec.backports ?? false };
}

export function sha256Hex(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}
