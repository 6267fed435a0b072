/**
 * Reads a tar archive (ustar, PAX and GNU long names) into entries. Used to inspect what the
 * builder wrote (tests, `images inspect`-style checks) — never to unpack untrusted archives.
 */
export interface ReadEntry {
  readonly path: string;
  /** Tar type flag: "0" file, "1" hard link, "2" symlink, "3"/"4" devices, "5" dir, "6" fifo. */
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly linkname: string;
  readonly data: Buffer;
  /** The raw header block, for checks on the encoding itself. */
  readonly header: Buffer;
}

function str(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString("utf8");
}

function num(block: Buffer, offset: number, length: number): number {
  const text = str(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: header field at ${offset} is not octal: ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const len = Number(data.subarray(pos, space).toString("ascii"));
    if (!Number.isInteger(len) || len <= 0) throw new Error("tar: malformed PAX record");
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

export function readTarEntries(archive: Buffer): ReadEntry[] {
  const entries: ReadEntry[] = [];
  let pos = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + 512 <= archive.length) {
    const block = archive.subarray(pos, pos + 512);
    if (block.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (sum !== num(block, 148, 8)) throw new Error(`tar: bad header checksum at offset ${pos}`);
    const type = String.fromCharCode(block[156] || 0x30);
    const size = num(block, 124, 12);
    const start = pos + 512;
    if (start + size > archive.length) throw new Error(`tar: entry at ${pos} runs past the end`);
    const data = archive.subarray(start, start + size);
    pos = start + Math.ceil(size / 512) * 512;
    if (type === "x") {
      pax = parsePax(data);
      continue;
    }
    if (type === "g") continue;
    if (type === "L") {
      longName = str(data, 0, data.length);
      continue;
    }
    if (type === "K") {
      longLink = str(data, 0, data.length);
      continue;
    }
    const prefix = str(block, 345, 155);
    const ustarName = (prefix ? `${prefix}/` : "") + str(block, 0, 100);
    entries.push({
      path: pax.get("path") ?? longName ?? ustarName,
      type,
      mode: num(block, 100, 8),
      uid: num(block, 108, 8),
      gid: num(block, 116, 8),
      mtime: num(block, 136, 12),
      linkname: pax.get("linkpath") ?? longLink ?? str(block, 157, 100),
      data,
      header: Buffer.from(block),
    });
    pax = new Map();
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}
