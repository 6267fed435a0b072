/**
 * The box is a tar archive (what shekeriev/virtualbox 0.0.4 unpacks with `tar -xf`), written and
 * read here with Node only, so building and checking a box needs no `tar` on the host: POSIX
 * ustar headers, sizes of 8 GiB and more in the base-256 form GNU tar and bsdtar both read.
 */
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { Writable } from "node:stream";

const BLOCK = 512;

export interface TarEntry {
  readonly name: string;
  /** Content size in bytes. */
  readonly size: number;
  /** Byte offset of the content inside the archive. */
  readonly offset: number;
  /** `0` (or NUL) for a regular file. */
  readonly type: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** A 512-byte ustar header for a regular file. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, "utf8");
  h.write(octal(0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  if (size < 8 ** 11) h.write(octal(size, 12), 124, "ascii");
  else {
    // base-256: high bit set, big-endian value in the remaining 11 bytes.
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  h.write(octal(mtimeSeconds, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write("root", 265, "ascii");
  h.write("root", 297, "ascii");
  const sum = h.reduce((acc, b) => acc + b, 0);
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

function readSize(h: Buffer): number {
  if (h[124]! & 0x80) {
    let v = 0n;
    for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(h[i]!);
    return Number(v);
  }
  return parseInt(h.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(h.toString("ascii", 148, 156).replace(/\0.*$/, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return stored === sum;
}

/**
 * Lists the entries of a tar archive, reading only the headers. Throws an Error saying why when
 * the file is not a tar archive (bad header checksum, truncated content).
 */
export function listTar(file: string): TarEntry[] {
  const fd = openSync(file, "r");
  try {
    const total = fstatSync(fd).size;
    const entries: TarEntry[] = [];
    const h = Buffer.alloc(BLOCK);
    let pos = 0;
    while (pos + BLOCK <= total) {
      readSync(fd, h, 0, BLOCK, pos);
      if (h.every((b) => b === 0)) return entries;
      if (!checksumOk(h)) throw new Error(pos === 0 ? "not a tar archive (no valid tar header at the start)" : `damaged tar header at byte ${pos}`);
      const size = readSize(h);
      const prefix = h.toString("utf8", 345, 500).replace(/\0.*$/s, "");
      const name = h.toString("utf8", 0, 100).replace(/\0.*$/s, "");
      const offset = pos + BLOCK;
      if (offset + size > total) throw new Error(`tar entry ${name} is truncated: it needs ${size} bytes, the file ends after ${total - offset}`);
      entries.push({ name: prefix ? `${prefix}/${name}` : name, size, offset, type: h.toString("ascii", 156, 157) });
      pos = offset + Math.ceil(size / BLOCK) * BLOCK;
    }
    if (entries.length === 0) throw new Error("not a tar archive (too short)");
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes at `offset` of a file (or fewer at its end). */
export function readAt(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a tar archive holding `files` (stored under their base names) to `out`; `tap` sees every
 * byte written (the box builder hashes the archive as it is written).
 */
export async function writeTar(out: string, files: readonly string[], tap: (chunk: Buffer) => void = () => undefined): Promise<void> {
  const stream = createWriteStream(out, { mode: 0o644 });
  const write = (chunk: Buffer) => {
    tap(chunk);
    return new Promise<void>((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
  };
  const closed = new Promise<void>((resolve, reject) => {
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  try {
    for (const file of files) {
      const size = statSync(file).size;
      await write(tarHeader(basename(file), size, Math.floor(Date.now() / 1000)));
      await copyInto(file, write);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) await write(Buffer.alloc(pad, 0));
    }
    // Two zero blocks end the archive.
    await write(Buffer.alloc(2 * BLOCK, 0));
  } finally {
    (stream as Writable).end();
  }
  await closed;
}

async function copyInto(file: string, write: (chunk: Buffer) => Promise<void>): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) await write(chunk as Buffer);
}
