/** A small but real box for tests that need one at local.image.path: a tar archive holding a VDI header. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tarHeader } from "../../src/box/tar";
import { defaultBoxPath } from "../../src/config/base-image";

/** The bytes of a dynamic VDI header for a disk of `virtualBytes` (no data blocks). */
function vdiHeader(virtualBytes: number): Buffer {
  const h = Buffer.alloc(0x200, 0);
  h.write("<<< Oracle VM VirtualBox Disk Image >>>\n", 0, "ascii");
  h.writeUInt32LE(0xbeda107f, 0x40);
  h.writeUInt32LE(0x00010001, 0x44);
  h.writeBigUInt64LE(BigInt(virtualBytes), 0x170);
  return h;
}

/** Writes a box holding `disk` (a 1 GiB VDI header only) at `file`. */
export function writeTestBox(file: string, disk = "disk.vdi"): void {
  const content = vdiHeader(2 ** 30);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([tarHeader(disk, content.length, 1_700_000_000), content, Buffer.alloc(1024, 0)]));
}

/** Writes a test box at the default local.image.path under `root`. */
export function writeDefaultBox(root: string): void {
  writeTestBox(join(root, defaultBoxPath()));
}
