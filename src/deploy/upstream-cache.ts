/**
 * Upstream manifests from the pinned table: downloaded once, verified against their SHA-256, and
 * kept under .cache/upstream/<id>.yaml. A cached file is reused only while its hash still matches;
 * a download with the wrong hash is deleted and refused.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { UpstreamInstall } from "../config/upstream";
import { UserError } from "../errors";
import { fetchViaProxy, proxyFor } from "./proxy-fetch";
import type { Reporter } from "./reporter";

/** Returns the bytes at `url`. Injectable so tests never touch the network. */
export type Fetcher = (url: string) => Promise<Uint8Array>;

export const httpFetch: Fetcher = async (url) => {
  // fetch() ignores HTTPS_PROXY; a configured proxy goes through our own tunnel instead.
  const proxy = proxyFor(url);
  if (proxy) return fetchViaProxy(url, proxy);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000), redirect: "follow" });
  } catch (err) {
    throw new Error(withCause(err));
  }
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
};

/**
 * fetch() reports every network problem as "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED,
 * a certificate error, a timeout) is in `cause`, possibly nested.
 */
export function withCause(err: unknown): string {
  const parts = [(err as Error)?.message ?? String(err)];
  let cause = (err as { cause?: unknown })?.cause;
  for (let depth = 0; cause && depth < 3; depth++) {
    const c = cause as { code?: string; message?: string; cause?: unknown };
    const text = [c.code, c.message].filter((x): x is string => Boolean(x) && !parts.some((p) => p.includes(x!))).join(": ");
    if (text) parts.push(text);
    cause = c.cause;
  }
  return parts.length === 1 ? parts[0]! : `${parts[0]} (${parts.slice(1).join("; ")})`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Cache file of an install, relative to the project root. */
export function upstreamCachePath(install: UpstreamInstall): string {
  return join(".cache", "upstream", `${install.id}.yaml`);
}

/** The verified local copy of `install` (downloading it when needed); throws on a hash mismatch. */
export async function ensureUpstream(install: UpstreamInstall, root: string, fetcher: Fetcher, reporter: Reporter): Promise<string> {
  const file = join(root, upstreamCachePath(install));
  if (existsSync(file)) {
    const actual = sha256(readFileSync(file));
    if (actual === install.sha256) {
      reporter.info(`${install.component} ${install.version}: using verified cache ${upstreamCachePath(install)}`);
      return file;
    }
    reporter.warn(`cached ${upstreamCachePath(install)} has SHA-256 ${actual}, expected ${install.sha256}; deleting it and downloading again`);
    rmSync(file, { force: true });
  }
  reporter.info(`downloading ${install.component} ${install.version} from ${install.url}`);
  let bytes: Uint8Array;
  try {
    bytes = await fetcher(install.url);
  } catch (err) {
    throw new UserError(`could not download ${install.component} ${install.version} from ${install.url}: ${(err as Error).message}`, [
      `check network access to that address, or place the file (SHA-256 ${install.sha256}) at ${upstreamCachePath(install)} and run again`,
    ]);
  }
  mkdirSync(join(root, ".cache", "upstream"), { recursive: true });
  const partial = `${file}.download`;
  writeFileSync(partial, bytes);
  const actual = sha256(bytes);
  if (actual !== install.sha256) {
    rmSync(partial, { force: true });
    throw new UserError(`refusing ${install.component} ${install.version}: the download from ${install.url} does not match its pinned SHA-256`, [
      `expected ${install.sha256}`,
      `actual   ${actual}`,
      "the downloaded file was deleted and nothing from it was applied; if upstream really changed the file, review it and update src/config/upstream.ts",
    ]);
  }
  renameSync(partial, file);
  reporter.info(`verified SHA-256 ${actual}, cached as ${upstreamCachePath(install)}`);
  return file;
}
