/**
 * Reads a job's `<id>-output.zip` and checks what makes a zip valid — the end record, the central
 * directory, each local header, and every entry's size and CRC-32 (stored or deflated entries) —
 * so verify, and the browser tests, prove the middleware wrote a real archive, not only bytes.
 */
import { crc32, inflateRawSync } from "node:zlib";

export interface ZipFile {
  readonly name: string;
  readonly data: Buffer;
}

/** The entries of a zip, in directory order; throws with the reason when any structure or checksum is wrong. */
export function readZip(zip: Buffer): ZipFile[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > zip.length) throw new Error("zip: no end-of-central-directory record");
  const count = zip.readUInt16LE(endAt + 10);
  const cdSize = zip.readUInt32LE(endAt + 12);
  let p = zip.readUInt32LE(endAt + 16);
  if (p + cdSize !== endAt) throw new Error("zip: central directory does not end where the end record starts");
  const out: ZipFile[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: central header ${i} has a bad signature`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localAt = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    if (zip.readUInt32LE(localAt) !== 0x04034b50) throw new Error(`zip: local header of ${name} has a bad signature`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + compressed);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`zip: ${name} uses compression method ${method}`);
    if (data.length !== size) throw new Error(`zip: ${name} is ${data.length} bytes, the directory says ${size}`);
    if (crc32(data) !== crc) throw new Error(`zip: ${name} fails its CRC-32`);
    out.push({ name, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The entries of a zip by name (see readZip for what is checked). */
export function zipEntries(zip: Buffer): Map<string, Buffer> {
  return new Map(readZip(zip).map((f) => [f.name, f.data]));
}
