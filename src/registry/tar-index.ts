/**
 * Random access into a tar file without unpacking it: one pass over the 512-byte headers records
 * where each regular file's bytes start, so an image archive of hundreds of MB is read blob by
 * blob (streamed) instead of being loaded into memory. Understands ustar names with a prefix, pax
 * `path` records and GNU long names, which is what GNU tar, our image writer and skopeo emit.
 */
import { closeSync, createReadStream, openSync, readSync, type ReadStream } from "node:fs";
import { posix } from "node:path";

export interface TarEntry {
  /** Normalised path inside the archive (no leading `./`). */
  readonly name: string;
  /** Byte offset of the file's content. */
  readonly offset: number;
  readonly size: number;
}

const BLOCK = 512;

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? slice.length : end).toString("utf8");
}

/** Octal size field, or GNU base-256 for files over 8 GiB. */
function sizeField(buf: Buffer): number {
  const field = buf.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cString(buf, 124, 12).trim();
  return text ? parseInt(text, 8) : 0;
}

function normalise(name: string): string {
  const n = posix.normalize(name.replace(/^\.\//, ""));
  return n === "." ? "" : n.replace(/\/$/, "");
}

/** Parses pax records (`<len> key=value\n`) for the `path` key. */
function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  let path: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(data.subarray(pos, space).toString("ascii"), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0 && record.slice(0, eq) === "path") path = record.slice(eq + 1);
    pos += len;
  }
  return path;
}

export class TarIndex {
  private constructor(
    readonly path: string,
    readonly entries: ReadonlyMap<string, TarEntry>,
  ) {}

  /** Scans every header of `path`; throws on a truncated or corrupt archive. */
  static open(path: string): TarIndex {
    const fd = openSync(path, "r");
    const entries = new Map<string, TarEntry>();
    try {
      const header = Buffer.alloc(BLOCK);
      let pos = 0;
      let longName: string | undefined;
      for (;;) {
        const n = readSync(fd, header, 0, BLOCK, pos);
        if (n === 0) break; // no end-of-archive blocks: tolerated
        if (n < BLOCK) throw new Error(`${path}: truncated tar header at byte ${pos}`);
        if (header.every((b) => b === 0)) break;
        const stored = header.subarray(148, 156);
        const expected = parseInt(cString(header, 148, 8).trim(), 8);
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
        if (!Number.isFinite(expected) || sum !== expected)
          throw new Error(`${path}: bad tar header checksum at byte ${pos} (${stored.toString("latin1").trim()})`);
        const size = sizeField(header);
        const type = String.fromCharCode(header[156]!);
        const dataStart = pos + BLOCK;
        if (type === "L" || type === "x") {
          const data = Buffer.alloc(size);
          if (readSync(fd, data, 0, size, dataStart) < size) throw new Error(`${path}: truncated extended header at byte ${pos}`);
          longName = type === "L" ? cString(data, 0, size) : (paxPath(data) ?? longName);
        } else if (type === "0" || type === "\0" || type === "7") {
          const prefix = header.subarray(257, 262).toString("latin1") === "ustar" ? cString(header, 345, 155) : "";
          const short = cString(header, 0, 100);
          const name = normalise(longName ?? (prefix ? `${prefix}/${short}` : short));
          entries.set(name, { name, offset: dataStart, size });
          longName = undefined;
        } else if (type !== "g") {
          longName = undefined; // directories, links: not needed to read an image layout
        }
        pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      }
    } finally {
      closeSync(fd);
    }
    return new TarIndex(path, entries);
  }

  get(name: string): TarEntry | undefined {
    return this.entries.get(normalise(name));
  }

  /** A whole (small) member as bytes: JSON documents. */
  read(name: string): Buffer {
    const e = this.get(name);
    if (!e) throw new Error(`${this.path} has no member ${name}`);
    const fd = openSync(this.path, "r");
    try {
      const buf = Buffer.alloc(e.size);
      if (readSync(fd, buf, 0, e.size, e.offset) < e.size) throw new Error(`${this.path}: member ${name} is truncated`);
      return buf;
    } finally {
      closeSync(fd);
    }
  }

  /** A member's bytes as a stream (blobs), optionally from `start` within it. */
  stream(name: string, start = 0, end?: number): ReadStream {
    const e = this.get(name);
    if (!e) throw new Error(`${this.path} has no member ${name}`);
    const last = Math.min(end ?? e.size, e.size) - 1;
    return createReadStream(this.path, { start: e.offset + start, end: e.offset + last, highWaterMark: 1 << 20 });
  }
}
