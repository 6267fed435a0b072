/**
 * Is the file at `local.image.path` a box the VirtualBox provider can use? A tar archive holding
 * a VDI or VMDK disk whose header says so, with no second cloud-init source disk, and, when
 * `npm run box` built it, the exact size and SHA-256 recorded then. Every problem names the fix.
 */
import { statSync } from "node:fs";
import { sha256File } from "./download";
import { DISK_HEADER_BYTES, type DiskFormat, identifyDisk, isDiskName } from "./disk-format";
import { type BoxManifest, manifestPath, readManifest } from "./manifest";
import { listTar, readAt } from "./tar";

export interface BoxDisk {
  readonly name: string;
  readonly format: DiskFormat;
  readonly virtualBytes?: number;
}

export interface BoxCheck {
  /** Empty when the box is usable. */
  readonly problems: string[];
  readonly disks: BoxDisk[];
  /** The build record, when `npm run box` made this box. */
  readonly manifest?: BoxManifest;
}

/** The command that rebuilds a box. */
export const REBUILD = "npm run box -- --force";

/**
 * Checks `boxFile` (which must exist); `shown` is how messages name it (the config path).
 * `verifyChecksum: false` skips hashing the whole box (a few seconds per GB).
 */
export async function checkBox(boxFile: string, shown: string, opts: { verifyChecksum?: boolean } = {}): Promise<BoxCheck> {
  const bad = (reason: string): BoxCheck => ({
    problems: [
      `base box ${shown} is not usable: ${reason}; rebuild it with \`${REBUILD}\` (or point local.image.path at a tar archive holding a .vdi or .vmdk disk)`,
    ],
    disks: [],
  });
  const st = statSync(boxFile);
  if (!st.isFile()) return bad("it is not a file");
  let entries;
  try {
    entries = listTar(boxFile);
  } catch (err) {
    return bad(`${(err as Error).message}; a box is a tar archive holding the VM's disk`);
  }
  const disks: BoxDisk[] = [];
  const problems: string[] = [];
  const diskEntries = entries.filter((e) => isDiskName(e.name) && (e.type === "0" || e.type === "\0"));
  if (diskEntries.length === 0) return bad(`it holds no .vdi or .vmdk disk (found: ${entries.map((e) => e.name).join(", ") || "nothing"})`);
  for (const entry of diskEntries) {
    const header = identifyDisk(readAt(boxFile, entry.offset, Math.min(DISK_HEADER_BYTES, entry.size)));
    const expected = entry.name.toLowerCase().endsWith(".vdi") ? "vdi" : "vmdk";
    if (!header || header.format !== expected) {
      problems.push(
        ...bad(`${entry.name} is not a ${expected.toUpperCase()} disk (its header ${header ? `is ${header.format}` : "is not a disk image header"})`).problems,
      );
      continue;
    }
    if (header.virtualBytes === 0) problems.push(...bad(`${entry.name} is a disk of size 0`).problems);
    if (/configdrive/i.test(entry.name)) {
      problems.push(
        `base box ${shown} holds ${entry.name}, a second cloud-init (cidata) source besides the seed ISO; remove it from the archive, or build the box with \`${REBUILD}\``,
      );
    }
    disks.push({ name: entry.name, format: header.format, virtualBytes: header.virtualBytes });
  }
  let manifest: BoxManifest | undefined;
  try {
    manifest = readManifest(boxFile);
  } catch (err) {
    problems.push(`${manifestPath(shown)}: ${(err as Error).message}; rebuild the box with \`${REBUILD}\``);
  }
  if (manifest && problems.length === 0) {
    if (st.size !== manifest.box.bytes) {
      problems.push(
        `base box ${shown} is ${st.size} bytes, but ${manifest.box.bytes} when it was built (an incomplete or replaced copy); rebuild it with \`${REBUILD}\``,
      );
    } else if (opts.verifyChecksum !== false) {
      const actual = await sha256File(boxFile);
      if (actual !== manifest.box.sha256) {
        problems.push(`base box ${shown} changed since it was built: SHA-256 ${actual}, recorded ${manifest.box.sha256}; rebuild it with \`${REBUILD}\``);
      }
    }
  }
  return { problems, disks, manifest };
}
