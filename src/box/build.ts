/**
 * `npm run box` (and deploy, when the box is missing): download the pinned Ubuntu cloud image,
 * verify it, convert it to a VDI of the box's size, pack it as the tar archive the VirtualBox
 * provider unpacks, and record the box's size and SHA-256 beside it. Guest Additions are not baked
 * in: cloud-init installs them on each VM's first boot (stacks/local/cloud-init/guest-additions.ts),
 * which works the same on Linux, Windows and macOS hosts and edits no image by hand.
 *
 * Re-entrant: a valid box is left alone (nothing is downloaded), the verified download is kept in
 * .cache/images/, and a failed build leaves neither a half-written box nor its work folder behind.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { BaseImage } from "../config/base-image";
import { UserError } from "../errors";
import type { Reporter } from "../deploy/reporter";
import type { Runner } from "../deploy/runner";
import { checkBox, REBUILD } from "./check";
import { CONVERTER_HINT, convertToVdi, type ConverterTool, pickConverter } from "./convert";
import { DISK_HEADER_BYTES, identifyDisk } from "./disk-format";
import { downloadPinned, type Opener } from "./download";
import { manifestPath, writeManifest } from "./manifest";
import { readAt, writeTar } from "./tar";

/** How each VM gets Guest Additions (recorded in the manifest, shown by `npm run box`). */
const GUEST_ADDITIONS_NOTE = "not in the image: cloud-init installs virtualbox-guest-utils on each VM's first boot";

export interface BoxOptions {
  /** Project root; a relative `boxPath` and the download cache are under it. */
  readonly root: string;
  /** `local.image.path`: relative to the root, or absolute. */
  readonly boxPath: string;
  readonly image: BaseImage;
  readonly runner: Runner;
  readonly open: Opener;
  readonly reporter: Reporter;
  /** PATH, to find qemu-img or VBoxManage. */
  readonly env: NodeJS.ProcessEnv;
  /** Rebuild even when a valid box is there. @default false */
  readonly force?: boolean;
  /** Force one converter (tests cover both). @default qemu-img when on PATH, else VBoxManage */
  readonly converter?: ConverterTool;
}

export interface BoxResult {
  readonly built: boolean;
  /** False when the verified download was reused (or no build was needed). */
  readonly downloaded: boolean;
  readonly file: string;
}

/** The verified download's cache file, relative to the project root. */
export function imageCachePath(image: BaseImage): string {
  return join(".cache", "images", `${image.id}.${image.format}`);
}

export function boxFile(root: string, boxPath: string): string {
  return resolve(root, boxPath);
}

/** Builds the box unless a valid one is already there (or `force`). */
export async function ensureBox(opts: BoxOptions): Promise<BoxResult> {
  const { reporter, image } = opts;
  const file = boxFile(opts.root, opts.boxPath);
  if (existsSync(file) && !opts.force) {
    const check = await checkBox(file, opts.boxPath);
    if (check.problems.length) throw new UserError(`${opts.boxPath} exists but is not a usable box; nothing was changed:`, check.problems);
    reporter.info(
      `base box ${opts.boxPath} is in place and verified${check.manifest ? ` (${check.manifest.source.description})` : ""}; nothing to do (${REBUILD} rebuilds it)`,
    );
    return { built: false, downloaded: false, file };
  }
  const tool = opts.converter ?? pickConverter(opts.env);
  if (!tool) throw new UserError(`cannot build the base box ${opts.boxPath}: ${CONVERTER_HINT}`);

  const source = join(opts.root, imageCachePath(image));
  const { downloaded, url } = await downloadPinned({ description: image.description, urls: image.urls, sha256: image.sha256 }, source, opts.open, reporter);

  const diskBytes = image.diskGiB * 2 ** 30;
  const diskName = `${image.id}.vdi`;
  mkdirSync(dirname(file), { recursive: true });
  // Beside the box, so the finished archive is renamed into place, never copied half-way.
  const work = join(dirname(file), `.${basename(file)}.build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    reporter.info(`converting to a ${image.diskGiB} GiB dynamic VDI with ${tool}`);
    const disk = join(work, diskName);
    await convertToVdi(tool, opts.runner, source, disk, diskBytes, work);
    const header = identifyDisk(readAt(disk, 0, DISK_HEADER_BYTES));
    if (header?.format !== "vdi" || header.virtualBytes !== diskBytes) {
      throw new UserError(
        `${tool} did not produce a ${diskBytes}-byte VDI disk (got ${header ? `${header.format} of ${header.virtualBytes} bytes` : "no disk image header"})`,
      );
    }
    reporter.info(`packing ${diskName} into ${opts.boxPath}`);
    const hash = createHash("sha256");
    const archive = join(work, "box.tar");
    await writeTar(archive, [disk], (chunk) => hash.update(chunk));
    const bytes = statSync(archive).size;
    rmSync(manifestPath(file), { force: true });
    renameSync(archive, file);
    writeManifest(file, {
      manifestVersion: 1,
      source: { id: image.id, description: image.description, url, sha256: image.sha256 },
      box: { sha256: hash.digest("hex"), bytes },
      disk: { name: diskName, format: "vdi", virtualBytes: diskBytes },
      convertedWith: tool,
      guestAdditions: GUEST_ADDITIONS_NOTE,
      builtAt: new Date().toISOString(),
    });
    reporter.info(`base box ${opts.boxPath} built (${(bytes / 2 ** 20).toFixed(0)} MiB, SHA-256 recorded in ${basename(manifestPath(file))})`);
    return { built: true, downloaded, file };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
