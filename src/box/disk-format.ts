/**
 * Recognises a virtual disk by its header, so a box is checked for a real disk, not just a name:
 * VDI (VirtualBox; `<<< ... >>>` text, then signature 0xbeda107f at byte 64 and the disk size at
 * byte 0x170), sparse VMDK (`KDMV`, capacity in sectors at byte 12), a VMDK descriptor, and qcow2
 * (the download, `QFI\xfb`).
 */

export type DiskFormat = "vdi" | "vmdk" | "qcow2";

export interface DiskHeader {
  readonly format: DiskFormat;
  /** Size of the disk as the guest sees it, when the header states it. */
  readonly virtualBytes?: number;
}

/** Bytes of header `identifyDisk` needs. */
export const DISK_HEADER_BYTES = 512;

/** The disk format of a file starting with `head`, or undefined when it is none of them. */
export function identifyDisk(head: Buffer): DiskHeader | undefined {
  if (head.length >= 0x178 && head.readUInt32LE(0x40) === 0xbeda107f) {
    return { format: "vdi", virtualBytes: Number(head.readBigUInt64LE(0x170)) };
  }
  if (head.length >= 20 && head.toString("ascii", 0, 4) === "KDMV") {
    return { format: "vmdk", virtualBytes: Number(head.readBigUInt64LE(12)) * 512 };
  }
  if (head.toString("ascii", 0, 21) === "# Disk DescriptorFile") return { format: "vmdk" };
  if (head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) {
    return { format: "qcow2", virtualBytes: Number(head.readBigUInt64BE(24)) };
  }
  return undefined;
}

/** File names the VirtualBox provider attaches as disks. */
export function isDiskName(name: string): boolean {
  return /\.(vdi|vmdk)$/i.test(name);
}
