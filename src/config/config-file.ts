/**
 * Reads the `CLUSTERKIT_CONFIG` file as plain JSON-shaped data, or says why it cannot:
 * - only a regular file, at most `CONFIG_FILE_LIMIT` bytes, opened without blocking (a FIFO or
 *   `/dev/zero` is refused at once instead of hanging synth);
 * - YAML tags outside the plain JSON types (`!!set`, `!!omap`, `!!binary`, `!foo`, …) are refused,
 *   never silently turned into something else or dropped;
 * - keys that would reach an object's prototype (`__proto__`, `constructor`, `prototype`) are refused;
 * - errors quote the file's content only up to a bounded length.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { quote, UserError } from "../errors";

/** The largest config file read (a full override of every environment is a few KiB). */
export const CONFIG_FILE_LIMIT = 1024 * 1024;

/** Keys that name parts of JavaScript's object machinery rather than config fields. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Tags of the plain JSON types under YAML 1.2's core schema. */
const PLAIN_TAGS = new Set([
  "tag:yaml.org,2002:str",
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool",
  "tag:yaml.org,2002:null",
  "tag:yaml.org,2002:map",
  "tag:yaml.org,2002:seq",
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A path as a problem names it: plain keys joined with '.', anything else quoted (bounded). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" || /^[A-Za-z0-9_-]{1,64}$/.test(String(p)) ? String(p) : `[${quote(String(p), 40)}]`)).join(".");
}

/** Lines of a YAML error's code frame shown, and their longest length. */
const FRAME_LINES = 6;
const FRAME_WIDTH = 120;

/**
 * The code frame the YAML parser appends to its message (the lines before the error, the line
 * itself, and a caret under the column), bounded and with control characters made visible.
 */
function codeFrame(message: string): string {
  const lines = message.split("\n").slice(1);
  while (lines.length && !lines[0]!.trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
  return lines
    .slice(0, FRAME_LINES)
    .map((l) => {
      const safe = l.replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "?");
      return safe.length > FRAME_WIDTH ? `${safe.slice(0, FRAME_WIDTH)}…` : safe;
    })
    .join("\n");
}

/** Reads at most `limit` + 1 bytes of a regular file; refuses anything else without waiting on it. */
function readRegularFile(file: string, limit: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`CLUSTERKIT_CONFIG names ${quote(file, 200)}, which does not exist`);
    throw new UserError(`cannot open the config file ${quote(file, 200)}: ${code ?? "error"}; CLUSTERKIT_CONFIG must name a readable YAML or JSON file`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new UserError(
        `the config file ${quote(file, 200)} is not a regular file (${st.isDirectory() ? "a folder" : st.isFIFO() ? "a pipe" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "not a file"}); CLUSTERKIT_CONFIG must name a YAML or JSON file`,
      );
    if (st.size > limit) throw new UserError(`the config file ${quote(file, 200)} is ${st.size} bytes; the limit is ${limit} bytes`);
    const buf = Buffer.alloc(Math.min(st.size, limit) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buf.length; length += n) n = readSync(fd, buf, length, buf.length - length, null);
    if (length > limit) throw new UserError(`the config file ${quote(file, 200)} is larger than the limit of ${limit} bytes`);
    const text = buf.subarray(0, length).toString("utf8");
    if (text.includes("\u0000"))
      throw new UserError(`the config file ${quote(file, 200)} is binary (it contains NUL bytes); CLUSTERKIT_CONFIG must name a YAML or JSON file`);
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Every explicit tag that is not a plain JSON type, by path. */
function tagProblems(node: Node | null | undefined, path: PropertyKey[], out: string[]): void {
  if (!node || out.length >= 20) return;
  const tag = (node as { tag?: string }).tag;
  if (tag && !PLAIN_TAGS.has(tag))
    out.push(`${formatPath(path) || "(top level)"}: YAML tag ${quote(tag, 60)} is not allowed; use plain mappings, lists, strings, numbers, booleans and null`);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : "?";
      if (pair.key && !isScalar(pair.key))
        out.push(`${formatPath(path) || "(top level)"}: a key must be a plain string, not a ${isMap(pair.key) ? "mapping" : "list"}`);
      tagProblems(pair.key as Node, [...path, key], out);
      tagProblems(pair.value as Node, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => tagProblems(item as Node, [...path, i], out));
  }
}

/** Problems with parsed data that is not plain JSON: prototype keys, Sets, Dates, non-finite numbers. */
export function plainDataProblems(value: unknown, path: PropertyKey[] = [], out: string[] = []): string[] {
  if (out.length >= 20) return out;
  const where = formatPath(path) || "(top level)";
  if (typeof value === "number" && !Number.isFinite(value)) out.push(`${where}: ${value} is not a finite number`);
  else if (Array.isArray(value)) value.forEach((v, i) => plainDataProblems(v, [...path, i], out));
  else if (value !== null && typeof value === "object") {
    // A plain object's prototype is some realm's Object.prototype (whose own prototype is null).
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      out.push(`${where}: must be a plain mapping, list or scalar (found ${quote((value as object).constructor?.name ?? "an object", 30)})`);
      return out;
    }
    for (const key of Object.keys(value)) {
      if ((PROTOTYPE_KEYS as readonly string[]).includes(key))
        out.push(`${formatPath([...path, key])}: the key ${key} is not allowed (it is not a config field)`);
      else plainDataProblems((value as Record<string, unknown>)[key], [...path, key], out);
    }
  } else if (typeof value === "bigint" || typeof value === "symbol" || typeof value === "function") {
    out.push(`${where}: must be plain data`);
  }
  return out;
}

/** The overrides in `file`: a mapping keyed by environment name, as plain data. */
export function readConfigFile(file: string, environmentNames: readonly string[], limit = CONFIG_FILE_LIMIT): Record<string, Json> {
  const text = readRegularFile(file, limit);
  const doc = parseDocument(text, { uniqueKeys: true });
  // The first line of a YAML error, then its code frame (the offending line with a caret under the
  // spot): bounded to a few lines of limited length with control characters replaced, so a wrong
  // file is never echoed at length.
  const syntaxError = (first: { message: string; linePos?: readonly { line: number; col: number }[] }) => {
    const at = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : "";
    const frame = codeFrame(first.message);
    return new UserError(
      `${quote(file, 200)} is not valid YAML or JSON${at}: ${quote(first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""), 120)}${frame ? `\n${frame}` : ""}`,
    );
  };
  if (doc.errors.length) throw syntaxError(doc.errors[0]!);
  const tags: string[] = [];
  tagProblems(doc.contents as Node, [], tags);
  if (tags.length) throw new UserError(`invalid configuration in ${quote(file, 200)}:`, tags);
  if (doc.warnings.length) throw syntaxError(doc.warnings[0]!);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new UserError(`${quote(file, 200)} cannot be read as plain data: ${quote((err as Error).message.split("\n")[0], 120)}`);
  }
  if (data === null || data === undefined) {
    throw new UserError(
      `${quote(file, 200)} (named by CLUSTERKIT_CONFIG) is empty: write at least one environment key (${environmentNames.join(", ")}) with the fields to change, or unset CLUSTERKIT_CONFIG to use the defaults`,
    );
  }
  if (typeof data !== "object" || Array.isArray(data))
    throw new UserError(`${quote(file, 200)} must hold a mapping keyed by environment name (${environmentNames.join(", ")})`);
  const plain = plainDataProblems(data);
  if (plain.length) throw new UserError(`invalid configuration in ${quote(file, 200)}:`, plain);
  return data as Record<string, Json>;
}
