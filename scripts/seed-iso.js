#!/usr/bin/env node
// Builds a cloud-init NoCloud seed ISO with Node alone: volume label `cidata`, the files
// `user-data`, `meta-data` and (when present) `network-config`. Terraform runs it at apply time,
// because the seed carries the cluster CA and bootstrap token, which exist only once Terraform
// has generated them:
//
//   node scripts/seed-iso.js <seed-dir> <output.iso>
//
// Why written here: no npm package writes ISO 9660, and host tools (xorriso, genisoimage, hdiutil)
// differ per platform and need a POSIX shell on Windows. The image is plain ISO 9660 (8.3 names,
// label CIDATA) plus a Joliet tree carrying the real names (`user-data`) and the label `cidata`;
// Linux mounts the Joliet names when there is no Rock Ridge, and cloud-init accepts either label.
// The ISO (and a folder made for it) is owner-only: it holds the CA key and the token.
"use strict";
const { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } = require("node:fs");
const { dirname, join } = require("node:path");

const SECTOR = 2048;
/** Seed files in the order cloud-init documents them; network-config is optional. */
const SEED_FILES = ["user-data", "meta-data", "network-config"];

/** Both-endian encodings ISO 9660 stores most numbers in. */
function both32(n) {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n, 0);
  b.writeUInt32BE(n, 4);
  return b;
}
function both16(n) {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(n, 0);
  b.writeUInt16BE(n, 2);
  return b;
}

/** The 7-byte date of a directory record. */
function recordDate(d) {
  return Buffer.from([d.getUTCFullYear() - 1900, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0]);
}

/** The 17-byte date of a volume descriptor (`YYYYMMDDHHMMSScc` and a zone byte). */
function volumeDate(d) {
  const p = (n, w = 2) => String(n).padStart(w, "0");
  const text = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}00`;
  return Buffer.concat([Buffer.from(text, "ascii"), Buffer.from([0])]);
}

/** A directory record; `id` is the raw identifier (0x00 for ".", 0x01 for ".."). */
function dirRecord(id, lba, size, isDir, date) {
  const len = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const r = Buffer.alloc(len);
  r[0] = len;
  both32(lba).copy(r, 2);
  both32(size).copy(r, 10);
  recordDate(date).copy(r, 18);
  r[25] = isDir ? 2 : 0;
  both16(1).copy(r, 28);
  r[32] = id.length;
  id.copy(r, 33);
  return r;
}

/** A directory's sector: ".", "..", then the files (sorted by identifier, as the standard asks). */
function directory(selfLba, entries, date) {
  const dot = dirRecord(Buffer.from([0]), selfLba, SECTOR, true, date);
  const dotdot = dirRecord(Buffer.from([1]), selfLba, SECTOR, true, date);
  const records = [dot, dotdot, ...entries.map((e) => dirRecord(e.id, e.lba, e.size, false, date))];
  const body = Buffer.concat(records);
  if (body.length > SECTOR) throw new Error("seed-iso: too many files for one directory sector");
  return Buffer.concat([body, Buffer.alloc(SECTOR - body.length)]);
}

/** Path table with the root only, little- (`le`) or big-endian. */
function pathTable(rootLba, le) {
  const t = Buffer.alloc(10);
  t[0] = 1;
  if (le) {
    t.writeUInt32LE(rootLba, 2);
    t.writeUInt16LE(1, 6);
  } else {
    t.writeUInt32BE(rootLba, 2);
    t.writeUInt16BE(1, 6);
  }
  return t;
}

function padded(text, width, joliet) {
  if (!joliet) return Buffer.from(text.padEnd(width, " "), "ascii");
  const b = Buffer.alloc(width);
  for (let i = 0; i < Math.floor(width / 2); i++) b.writeUInt16BE(i < text.length ? text.charCodeAt(i) : 0x20, i * 2);
  return b;
}

/** Primary (type 1) or Joliet supplementary (type 2) volume descriptor. */
function volumeDescriptor(o) {
  const d = Buffer.alloc(SECTOR);
  d[0] = o.joliet ? 2 : 1;
  d.write("CD001", 1, "ascii");
  d[6] = 1;
  padded("", 32, o.joliet).copy(d, 8);
  padded(o.label, 32, o.joliet).copy(d, 40);
  both32(o.totalSectors).copy(d, 80);
  if (o.joliet) d.write("%/E", 88, "ascii"); // UCS-2 level 3
  both16(1).copy(d, 120);
  both16(1).copy(d, 124);
  both16(SECTOR).copy(d, 128);
  both32(10).copy(d, 132);
  d.writeUInt32LE(o.pathL, 140);
  d.writeUInt32BE(o.pathM, 148);
  dirRecord(Buffer.from([0]), o.rootLba, SECTOR, true, o.date).copy(d, 156);
  for (const [at, width] of [
    [190, 128],
    [318, 128],
    [446, 128],
    [574, 128],
    [702, 37],
    [739, 37],
    [776, 37],
  ])
    padded("", width, o.joliet).copy(d, at);
  const date = volumeDate(o.date);
  date.copy(d, 813);
  date.copy(d, 830);
  Buffer.concat([Buffer.from("0".repeat(16), "ascii"), Buffer.from([0])]).copy(d, 847);
  date.copy(d, 864);
  d[881] = 1;
  return d;
}

/** ISO 9660 level-1 name: 8.3 upper-case d-characters, `;1` version. */
function primaryName(name, taken) {
  const base = name
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, "_")
    .slice(0, 8);
  let candidate = base;
  for (let i = 1; taken.has(candidate); i++) candidate = `${base.slice(0, 8 - String(i).length)}${i}`;
  taken.add(candidate);
  return Buffer.from(`${candidate}.;1`, "ascii");
}

function jolietName(name) {
  const b = Buffer.alloc(name.length * 2);
  for (let i = 0; i < name.length; i++) b.writeUInt16BE(name.charCodeAt(i), i * 2);
  return b;
}

/**
 * The ISO image for `files` (name and content), as one Buffer.
 * @param {{ name: string, content: Buffer }[]} files
 * @param {{ label?: string, date?: Date }} [options] label defaults to `cidata`
 */
function buildIso(files, options = {}) {
  const label = options.label ?? "cidata";
  const date = options.date ?? new Date();
  // Layout: 16 system sectors, PVD, Joliet SVD, terminator, 4 path tables, 2 root directories, data.
  const pathPrimaryL = 19,
    pathPrimaryM = 20,
    pathJolietL = 21,
    pathJolietM = 22,
    rootPrimary = 23,
    rootJoliet = 24;
  let next = 25;
  const placed = files.map((f) => {
    const lba = next;
    next += Math.max(1, Math.ceil(f.content.length / SECTOR));
    return { ...f, lba };
  });
  const totalSectors = next;
  const taken = new Set();
  const primary = placed.map((f) => ({ id: primaryName(f.name, taken), lba: f.lba, size: f.content.length })).sort((a, b) => Buffer.compare(a.id, b.id));
  const joliet = placed.map((f) => ({ id: jolietName(f.name), lba: f.lba, size: f.content.length })).sort((a, b) => Buffer.compare(a.id, b.id));

  const image = Buffer.alloc(totalSectors * SECTOR);
  const at = (lba, buf) => buf.copy(image, lba * SECTOR);
  at(16, volumeDescriptor({ joliet: false, label: label.toUpperCase(), totalSectors, pathL: pathPrimaryL, pathM: pathPrimaryM, rootLba: rootPrimary, date }));
  at(17, volumeDescriptor({ joliet: true, label, totalSectors, pathL: pathJolietL, pathM: pathJolietM, rootLba: rootJoliet, date }));
  const terminator = Buffer.alloc(SECTOR);
  terminator[0] = 255;
  terminator.write("CD001", 1, "ascii");
  terminator[6] = 1;
  at(18, terminator);
  at(pathPrimaryL, pathTable(rootPrimary, true));
  at(pathPrimaryM, pathTable(rootPrimary, false));
  at(pathJolietL, pathTable(rootJoliet, true));
  at(pathJolietM, pathTable(rootJoliet, false));
  at(rootPrimary, directory(rootPrimary, primary, date));
  at(rootJoliet, directory(rootJoliet, joliet, date));
  for (const f of placed) at(f.lba, f.content);
  return image;
}

/** Reads the seed files of `dir` (user-data and meta-data required) and writes the ISO owner-only. */
function writeSeedIso(dir, iso) {
  for (const f of ["user-data", "meta-data"]) {
    if (!existsSync(join(dir, f))) throw new Error(`seed-iso: ${join(dir, f)} is missing`);
  }
  const files = SEED_FILES.filter((f) => existsSync(join(dir, f))).map((name) => ({ name, content: readFileSync(join(dir, name)) }));
  mkdirSync(dirname(iso), { recursive: true, mode: 0o700 });
  // Written next to the target, then renamed: a half-written ISO never sits at the final path.
  const tmp = `${iso}.tmp.${process.pid}`;
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, buildIso(files));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, iso);
  } finally {
    rmSync(tmp, { force: true });
  }
}

module.exports = { buildIso, writeSeedIso, SEED_FILES };

if (require.main === module) {
  const [dir, iso, extra] = process.argv.slice(2);
  if (!dir || !iso || extra !== undefined) {
    process.stderr.write("usage: node scripts/seed-iso.js <seed-dir> <output.iso>\n");
    process.exit(2);
  }
  try {
    writeSeedIso(dir, iso);
    process.stdout.write(`seed-iso: wrote ${iso}\n`);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
