/**
 * mmdebstrap: how it is run here. It needs to create root-owned files and chroot: as root it runs
 * in `root` mode; otherwise in `unshare` mode, which needs subordinate ids and unprivileged user
 * namespaces. Hooks are written as small scripts (mmdebstrap runs an executable hook with the
 * chroot as $1), so no path is ever spliced into a shell command line.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { SOURCE_DATE_EPOCH } from "../constants";
import { ImageBuildError } from "../errors";
import { haveCommand, runLogged, runSync } from "../exec";
import { imageSourcesList, packageName, type RootfsSpec } from "./spec";

export type MmdebstrapMode = "root" | "unshare";

/** Which mode works here, or an error that says what to change. */
export function detectMode(): MmdebstrapMode {
  if (!haveCommand("mmdebstrap"))
    throw new ImageBuildError("mmdebstrap is not installed: `apt-get install mmdebstrap` (Debian/Ubuntu); it builds the images' Debian root filesystems");
  if (process.getuid?.() === 0) return "root";
  const user = userInfo().username;
  const hasIds = (file: string) =>
    existsSync(file) &&
    readFileSync(file, "utf8")
      .split("\n")
      .some((l) => l.startsWith(`${user}:`) || l.startsWith(`${process.getuid?.()}:`));
  const userns = runSync("unshare", ["--user", "--map-root-user", "true"]).status === 0;
  if (hasIds("/etc/subuid") && hasIds("/etc/subgid") && userns && haveCommand("newuidmap")) return "unshare";
  throw new ImageBuildError("mmdebstrap needs root or its unshare mode, and neither is available", [
    "run the build as root (e.g. `sudo npm run images -- build`), or enable unshare mode:",
    `  give ${user} subordinate ids: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user}`,
    "  install uidmap (newuidmap/newgidmap) and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)",
  ]);
}

export function mmdebstrapVersion(): string {
  return runSync("mmdebstrap", ["--version"]).stdout.trim();
}

/** Single-quotes a value for a generated sh script. */
function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Writes an executable hook script; mmdebstrap runs it with the chroot directory as $1. */
export function writeHook(dir: string, name: string, body: string[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, ["#!/bin/sh", "set -eu", 'ROOT="$1"', ...body, ""].join("\n"));
  chmodSync(path, 0o755);
  return path;
}

/**
 * Lines of the hook that makes the result independent of the host and adds the image user:
 * no host resolv.conf/hostname, the public sources.list, and uid/gid `uid` in passwd and group.
 */
export function finishRootfsHook(spec: RootfsSpec, uid: number, userName: string): string[] {
  const passwd = `${userName}:x:${uid}:${uid}:${userName}:/tmp:/usr/sbin/nologin`;
  const group = `${userName}:x:${uid}:`;
  const lines = [
    'rm -f "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname"',
    'mkdir -p "$ROOT/etc/apt" "$ROOT/tmp"',
    'chmod 1777 "$ROOT/tmp"',
    `printf '%s' ${shQuote(imageSourcesList(spec))} > "$ROOT/etc/apt/sources.list"`,
  ];
  if (spec.variant === "extract") {
    // No base-passwd without maintainer scripts: write the two accounts the image needs.
    lines.push(`printf '%s\\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' ${shQuote(passwd)} > "$ROOT/etc/passwd"`);
    lines.push(`printf '%s\\n' 'root:x:0:' ${shQuote(group)} > "$ROOT/etc/group"`);
    // update-ca-certificates did not run: build the bundle it would (sorted, so reproducible).
    lines.push(
      'if [ -d "$ROOT/usr/share/ca-certificates/mozilla" ]; then mkdir -p "$ROOT/etc/ssl/certs"; LC_ALL=C; export LC_ALL; cat "$ROOT"/usr/share/ca-certificates/mozilla/*.crt > "$ROOT/etc/ssl/certs/ca-certificates.crt"; fi',
    );
  } else {
    lines.push(`grep -q '^${userName}:' "$ROOT/etc/passwd" || printf '%s\\n' ${shQuote(passwd)} >> "$ROOT/etc/passwd"`);
    lines.push(`grep -q '^${userName}:' "$ROOT/etc/group" || printf '%s\\n' ${shQuote(group)} >> "$ROOT/etc/group"`);
  }
  return lines;
}

/** dpkg options that keep documentation out of the images (copyright files stay). */
export const DPKG_SLIM = [
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/locale/*",
  "path-exclude=/usr/share/lintian/*",
];

export interface MmdebstrapRun {
  readonly spec: RootfsSpec;
  readonly mode: MmdebstrapMode;
  /** apt source lines (the real mirror when locking, the local repo of locked .debs when building). */
  readonly sources: readonly string[];
  /** `tar` for builds; `directory` when locking (the downloaded .debs are read from it). */
  readonly format: "tar" | "directory";
  readonly output: string;
  /** Hook scripts run after installation (customize) — or after extraction for `extract`. */
  readonly finishHooks: readonly string[];
  /** Keep downloaded .debs in the output (locking). */
  readonly keepDebs: boolean;
  /** Take `pkg/suite` includes literally (locking) or by name only (the local repo has no suites). */
  readonly literalSuites: boolean;
}

export function mmdebstrapArgs(run: MmdebstrapRun): string[] {
  const { spec } = run;
  const args = [
    `--mode=${run.mode}`,
    `--variant=${spec.variant}`,
    `--format=${run.format}`,
    '--aptopt=Acquire::Languages "none"',
    '--aptopt=Apt::Install-Recommends "false"',
  ];
  const include = run.literalSuites ? spec.include : spec.include.map(packageName);
  if (include.length) args.push(`--include=${include.join(",")}`);
  if (spec.variant === "essential") {
    // Merged /usr through symlinks and usr-is-merged, instead of the usrmerge package (which pulls in perl).
    args.push("--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr");
    for (const o of DPKG_SLIM) args.push(`--dpkgopt=${o}`);
  }
  const skip = ["output/dev"];
  if (run.keepDebs) skip.push("essential/unlink", "cleanup/apt/cache");
  args.push(`--skip=${skip.join(",")}`);
  const hookFlag = spec.variant === "extract" ? "--extract-hook" : "--customize-hook";
  for (const h of run.finishHooks) args.push(`${hookFlag}=${h}`);
  args.push("bookworm", run.output, ...run.sources);
  return args;
}

export async function runMmdebstrap(run: MmdebstrapRun, log: (line: string) => void): Promise<void> {
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(SOURCE_DATE_EPOCH), LC_ALL: "C.UTF-8", TMPDIR: process.env.TMPDIR ?? "/tmp" };
  const r = await runLogged("mmdebstrap", mmdebstrapArgs(run), { env, onLine: (l) => (/^(I|W|E): /.test(l) ? log(l) : undefined) });
  if (r.status !== 0) throw new ImageBuildError(`mmdebstrap failed for root filesystem ${run.spec.name} (exit ${r.status})`, r.tail.slice(-15));
}
