/**
 * `<box>.json`, written beside the box when `npm run box` builds it: where the disk came from and
 * the box's size and SHA-256 at build time, so preflight can tell a real, complete box from a
 * truncated copy or a file that merely has the right name.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ConverterTool } from "./convert";
import type { DiskFormat } from "./disk-format";

export interface BoxManifest {
  readonly manifestVersion: 1;
  readonly source: { readonly id: string; readonly description: string; readonly url?: string; readonly sha256: string };
  readonly box: { readonly sha256: string; readonly bytes: number };
  readonly disk: { readonly name: string; readonly format: DiskFormat; readonly virtualBytes: number };
  readonly convertedWith: ConverterTool;
  /** How the VMs get VirtualBox Guest Additions, which the provider's IP wait needs. */
  readonly guestAdditions: string;
  readonly builtAt: string;
}

export function manifestPath(boxFile: string): string {
  return `${boxFile}.json`;
}

/** The manifest beside `boxFile`, undefined when there is none; throws an Error when it is unreadable. */
export function readManifest(boxFile: string): BoxManifest | undefined {
  const file = manifestPath(boxFile);
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, "utf8")) as Partial<BoxManifest>;
  if (data.manifestVersion !== 1 || typeof data.box?.sha256 !== "string" || typeof data.box.bytes !== "number") {
    throw new Error(`${file} is not a box manifest written by npm run box`);
  }
  return data as BoxManifest;
}

export function writeManifest(boxFile: string, manifest: BoxManifest): void {
  const file = manifestPath(boxFile);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
