/**
 * Deterministic tar writer: POSIX ustar headers, with a PAX extended header only when a name or
 * link target does not fit ustar (or is not ASCII). Owners, modes and times come from the entries,
 * never from the machine, so the same entries give the same bytes.
 *
 * `TarWriter` writes to a file sequentially (blobs of hundreds of MB are copied in chunks, never
 * held in memory); `tarBuffer` builds a small archive in memory (app layers, tests).
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";

export type TarEntry =
  | {
      readonly type: "file";
      readonly path: string;
      readonly mode: number;
      readonly data: Buffer;
      readonly uid?: number;
      readonly gid?: number;
      readonly mtime?: number;
    }
  | { readonly type: "dir"; readonly path: string; readonly mode: number; readonly uid?: number; readonly gid?: number; readonly mtime?: number }
  | { readonly type: "symlink"; readonly path: string; readonly target: string; readonly uid?: number; readonly gid?: number; readonly mtime?: number };

const BLOCK = 512;
const TYPE_FLAG = { file: "0", symlink: "2", dir: "5", pax: "x" } as const;

/** Octal field of `length` bytes: digits zero-padded, then NUL (the GNU/bsdtar canonical form). */
function octal(value: number, length: number): string {
  const text = value.toString(8);
  if (text.length > length - 1) throw new Error(`tar: value ${value} does not fit a ${length}-byte octal field`);
  return text.padStart(length - 1, "0") + "\0";
}

function put(block: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > length) throw new Error(`tar: ${JSON.stringify(text)} is longer than ${length} bytes`);
  bytes.copy(block, offset);
}

const ASCII = /^[\x20-\x7e]*$/;

/** Splits a path into ustar prefix (≤155) and name (≤100) at a '/', or undefined when it cannot. */
function splitUstar(path: string): { prefix: string; name: string } | undefined {
  if (!ASCII.test(path)) return undefined;
  if (path.length <= 100) return { prefix: "", name: path };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== "/") continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length > 0 && name.length <= 100) return { prefix, name };
    if (path.length - i - 1 > 100) break;
  }
  return undefined;
}

interface HeaderFields {
  readonly name: string;
  readonly prefix: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly type: string;
  readonly linkname: string;
}

function header(f: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  put(block, 0, 100, f.name);
  put(block, 100, 8, octal(f.mode & 0o7777, 8));
  put(block, 108, 8, octal(f.uid, 8));
  put(block, 116, 8, octal(f.gid, 8));
  put(block, 124, 12, octal(f.size, 12));
  put(block, 136, 12, octal(f.mtime, 12));
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  put(block, 156, 1, f.type);
  put(block, 157, 100, f.linkname);
  put(block, 257, 6, "ustar\0");
  put(block, 263, 2, "00");
  put(block, 329, 8, octal(0, 8));
  put(block, 337, 8, octal(0, 8));
  put(block, 345, 155, f.prefix);
  let sum = 0;
  for (const b of block) sum += b;
  put(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** One PAX record: "<len> <key>=<value>\n" where len counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Normalised entry path: relative, no leading "./" or "/", directories end in "/". */
function entryPath(path: string, isDir: boolean): string {
  let p = path.replace(/^\.?\/+/, "");
  if (p === "" || p.split("/").some((part) => part === ".." || part === ".")) throw new Error(`tar: invalid entry path ${JSON.stringify(path)}`);
  p = p.replace(/\/+$/, "");
  return isDir ? `${p}/` : p;
}

export interface EntryMeta {
  readonly path: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly size: number;
  readonly linkname?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
}

/** Header blocks (a PAX header first when needed) for one entry. */
function headerBlocks(e: EntryMeta, defaultMtime: number): Buffer[] {
  const path = entryPath(e.path, e.type === "dir");
  const linkname = e.linkname ?? "";
  const split = splitUstar(path);
  const linkFits = ASCII.test(linkname) && linkname.length <= 100;
  const blocks: Buffer[] = [];
  const mtime = e.mtime ?? defaultMtime;
  if (!split || !linkFits) {
    const records = (split ? "" : paxRecord("path", path)) + (linkFits ? "" : paxRecord("linkpath", linkname));
    const data = Buffer.from(records, "utf8");
    // A fixed, readable name for the extended header keeps output independent of the machine.
    const paxName = `PaxHeaders/${path
      .replace(/\/$/, "")
      .split("/")
      .pop()!
      .replace(/[^\x20-\x7e]/g, "_")}`.slice(0, 100);
    blocks.push(
      header({ name: paxName, prefix: "", mode: 0o644, uid: 0, gid: 0, size: data.length, mtime, type: TYPE_FLAG.pax, linkname: "" }),
      data,
      padding(data.length),
    );
  }
  const asciiFallback = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, "_").slice(0, max);
  blocks.push(
    header({
      name: split ? split.name : asciiFallback(path, 100),
      prefix: split ? split.prefix : "",
      mode: e.mode,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      size: e.type === "file" ? e.size : 0,
      mtime,
      type: TYPE_FLAG[e.type],
      linkname: linkFits ? linkname : asciiFallback(linkname, 100),
    }),
  );
  return blocks;
}

/** End of archive: two zero blocks. */
const TAR_END = Buffer.alloc(2 * BLOCK);

/** Builds a whole archive in memory. Entries are written in the order given. */
export function tarBuffer(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const size = e.type === "file" ? e.data.length : 0;
    parts.push(...headerBlocks({ ...e, mode: e.type === "symlink" ? 0o777 : e.mode, size, linkname: e.type === "symlink" ? e.target : undefined }, mtime));
    if (e.type === "file") parts.push(e.data, padding(size));
  }
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

/** Writes an archive to a file sequentially; file contents may come from other files on disk. */
export class TarWriter {
  private readonly fd: number;
  private closed = false;

  constructor(
    path: string,
    private readonly mtime: number,
  ) {
    this.fd = openSync(path, "w");
  }

  private write(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  addDir(path: string, mode = 0o755): void {
    for (const b of headerBlocks({ path, type: "dir", mode, size: 0 }, this.mtime)) this.write(b);
  }

  addBuffer(path: string, data: Buffer, mode = 0o644): void {
    for (const b of headerBlocks({ path, type: "file", mode, size: data.length }, this.mtime)) this.write(b);
    this.write(data);
    this.write(padding(data.length));
  }

  /** Copies `size` bytes of the file at `source` (its size when blobs were written). */
  addFileFrom(path: string, source: string, size: number, mode = 0o644): void {
    for (const b of headerBlocks({ path, type: "file", mode, size }, this.mtime)) this.write(b);
    const src = openSync(source, "r");
    try {
      const chunk = Buffer.alloc(4 * 1024 * 1024);
      let copied = 0;
      while (copied < size) {
        const n = readSync(src, chunk, 0, Math.min(chunk.length, size - copied), copied);
        if (n === 0) throw new Error(`tar: ${source} is shorter than ${size} bytes`);
        this.write(n === chunk.length ? chunk : chunk.subarray(0, n));
        copied += n;
      }
    } finally {
      closeSync(src);
    }
    this.write(padding(size));
  }

  close(): void {
    if (this.closed) return;
    this.write(TAR_END);
    closeSync(this.fd);
    this.closed = true;
  }
}
