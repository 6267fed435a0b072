/**
 * Downloads a large pinned file straight to disk, hashing as it streams: nothing is kept whose
 * SHA-256 differs from the pin, a short (truncated) download is refused, and a failed download
 * never stays behind at the final path (it is written as `<file>.part` and renamed only once
 * verified). A file already at the final path with the pinned hash is reused: nothing is fetched.
 * Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are honoured through the same client as the
 * upstream installs.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UserError } from "../errors";
import { openViaProxy, proxyFor } from "../deploy/proxy-fetch";
import type { Reporter } from "../deploy/reporter";
import { withCause } from "../deploy/upstream-cache";

/** An open download: its body and, when the server sent one, its announced length. */
export interface OpenedDownload {
  readonly body: Readable;
  readonly length?: number;
}

/** Opens `url` for streaming. Injectable, so tests serve files from a local server. */
export type Opener = (url: string) => Promise<OpenedDownload>;

/** The real opener: direct with fetch(), or through the configured proxy. */
export const httpOpen: Opener = async (url) => {
  const proxy = proxyFor(url);
  if (proxy) {
    const res = await openViaProxy(url, proxy);
    const length = Number(res.headers["content-length"]);
    return { body: res, length: Number.isFinite(length) ? length : undefined };
  }
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow" });
  } catch (err) {
    throw new Error(withCause(err));
  }
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  const length = Number(res.headers.get("content-length") ?? NaN);
  return { body: Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), length: Number.isFinite(length) ? length : undefined };
};

export interface PinnedFile {
  /** What it is, for messages. */
  readonly description: string;
  /** Tried in order until one gives the pinned bytes. */
  readonly urls: readonly string[];
  readonly sha256: string;
}

export interface DownloadResult {
  /** False when a verified copy was already there. */
  readonly downloaded: boolean;
  /** The URL the bytes came from (undefined when reused). */
  readonly url?: string;
}

/** SHA-256 of a file, streamed (files here are hundreds of MB). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Streams one URL into `partial`, returning the SHA-256 of what arrived; throws on a short body. */
async function streamTo(url: string, partial: string, open: Opener, reporter: Reporter): Promise<string> {
  const { body, length } = await open(url);
  const hash = createHash("sha256");
  let received = 0;
  let nextReport = 0.1;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      if (length && received / length >= nextReport) {
        reporter.progress(`${mib(received)} of ${mib(length)}`);
        nextReport = Math.floor((received / length) * 10 + 1) / 10;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, createWriteStream(partial, { mode: 0o644 }));
  } catch (err) {
    throw new Error(`the download broke off after ${received} bytes${length ? ` of ${length}` : ""} (${withCause(err)})`);
  }
  if (length !== undefined && received !== length) {
    throw new Error(`the download is truncated: ${received} bytes arrived, the server announced ${length}`);
  }
  return hash.digest("hex");
}

/**
 * Makes `file` hold the pinned bytes: reuses a verified copy, else downloads from the first URL that
 * answers. A hash mismatch is refused at once (a changed or tampered file is never tried elsewhere
 * and never kept); a URL that fails to answer or breaks off is reported and the next one is tried.
 */
export async function downloadPinned(pin: PinnedFile, file: string, open: Opener, reporter: Reporter): Promise<DownloadResult> {
  if (existsSync(file)) {
    const actual = await sha256File(file);
    if (actual === pin.sha256) {
      reporter.info(`${pin.description}: using the verified download ${file}`);
      return { downloaded: false };
    }
    reporter.warn(`${file} has SHA-256 ${actual}, expected ${pin.sha256}; deleting it and downloading again`);
    rmSync(file, { force: true });
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.part`;
  const failures: string[] = [];
  for (const url of pin.urls) {
    reporter.info(`downloading ${pin.description} from ${url}`);
    let actual: string;
    try {
      actual = await streamTo(url, partial, open, reporter);
    } catch (err) {
      rmSync(partial, { force: true });
      failures.push(`${url}: ${(err as Error).message}`);
      continue;
    }
    if (actual !== pin.sha256) {
      rmSync(partial, { force: true });
      throw new UserError(`refusing ${pin.description}: the download from ${url} does not match its pinned SHA-256`, [
        `expected ${pin.sha256}`,
        `actual   ${actual}`,
        "the downloaded file was deleted; if Canonical really republished it, review it and update the pin in src/config/base-image.ts",
      ]);
    }
    renameSync(partial, file);
    reporter.info(`verified SHA-256 ${actual} (${mib(statSync(file).size)})`);
    return { downloaded: true, url };
  }
  throw new UserError(`could not download ${pin.description}; nothing was kept:`, [
    ...failures,
    `check network access (HTTPS_PROXY/HTTP_PROXY are honoured), or fetch one of those URLs some other way and place the file (SHA-256 ${pin.sha256}) at ${file}, then run again`,
  ]);
}
