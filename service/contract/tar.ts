/**
 * Reads the ustar archive inside a result frame: regular files only, names without `..` or a
 * leading `/`, sizes within the archive. Anything else is an error (the runner writes nothing else).
 */
export interface TarEntry {
  readonly name: string;
  readonly data: Buffer;
}

export class TarError extends Error {}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString("utf8");
}

function octal(block: Buffer, offset: number, length: number, what: string): number {
  const text = field(block, offset, length).trim();
  if (!/^[0-7]+$/.test(text)) throw new TarError(`tar header ${what} is not octal`);
  return parseInt(text, 8);
}

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  while (pos + 512 <= archive.length) {
    const header = archive.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (sum !== octal(header, 148, 8, "checksum")) throw new TarError("tar header checksum mismatch");
    const prefix = field(header, 345, 155);
    const name = (prefix ? `${prefix}/` : "") + field(header, 0, 100);
    const type = String.fromCharCode(header[156] || 48);
    const size = octal(header, 124, 12, "size");
    if (type === "5") {
      pos += 512;
      continue;
    }
    if (type !== "0") throw new TarError(`tar entry ${JSON.stringify(name)} is not a regular file (type ${type})`);
    if (name.startsWith("/") || name.split("/").some((p) => p === ".." || p === ""))
      throw new TarError(`tar entry name ${JSON.stringify(name)} is not a plain relative path`);
    const start = pos + 512;
    if (start + size > archive.length) throw new TarError(`tar entry ${JSON.stringify(name)} runs past the end of the archive`);
    entries.push({ name, data: archive.subarray(start, start + size) });
    pos = start + Math.ceil(size / 512) * 512;
  }
  return entries;
}
