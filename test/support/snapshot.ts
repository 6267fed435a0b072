/**
 * Tiny snapshot helper: `matchSnapshot(name, value)` compares `value` (a string, or anything
 * serialisable as stable JSON/YAML text) with test/__snapshots__/<name>.snap. A missing snapshot
 * is written; `UPDATE_SNAPSHOTS=1` rewrites it; any difference fails with the first differing line.
 * Snapshots go beside assertions of meaning, never instead of them.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SNAPSHOT_DIR = join(__dirname, "..", "__snapshots__");

export function matchSnapshot(name: string, value: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`snapshot name '${name}' must be a plain file name`);
  const file = join(SNAPSHOT_DIR, `${name}.snap`);
  const actual = value.endsWith("\n") ? value : `${value}\n`;
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(file)) {
    // On CI a missing snapshot is an error: it would otherwise pass vacuously.
    if (!existsSync(file) && process.env.CI) assert.fail(`snapshot ${file} is missing; run the tests locally with UPDATE_SNAPSHOTS=1 and commit it`);
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, "utf8");
  if (expected === actual) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let i = 0;
  while (i < Math.max(a.length, e.length) && a[i] === e[i]) i++;
  assert.fail(
    `snapshot ${name} differs at line ${i + 1}:\n  expected: ${JSON.stringify(e[i])}\n  actual:   ${JSON.stringify(a[i])}\n` +
      `If the change is intended, re-run with UPDATE_SNAPSHOTS=1 and review the diff of ${file}.`,
  );
}
