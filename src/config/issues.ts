/**
 * Turns schema issues into messages a user can act on: an unknown field names the nearest valid
 * one ("did you mean"), or lists the valid ones; a number where text is expected explains YAML's
 * number reading (`version: 1.30` unquoted is the number 1.3) and shows the quoted form.
 */
import type { z } from "zod";
import { formatPath } from "./config-file";
import type { Problem } from "./rules";
import { KUBERNETES_RELEASES } from "./versions";

type Schema = z.ZodType;
interface Def {
  readonly type: string;
  readonly shape?: Record<string, Schema>;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly element?: Schema;
  readonly options?: readonly Schema[];
  readonly valueType?: Schema;
}

function def(s: Schema | undefined): Def | undefined {
  return (s as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;
}

/** The schema without optional/default/pipe wrappers. */
function unwrap(s: Schema | undefined): Schema | undefined {
  for (let d = def(s); d && s; d = def(s)) {
    if (d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "readonly") s = d.innerType;
    else if (d.type === "pipe") s = d.in;
    else break;
  }
  return s;
}

function objectKeys(s: Schema | undefined): string[] {
  const d = def(unwrap(s));
  if (d?.type === "object") return Object.keys(d.shape ?? {});
  if (d?.type === "union") return [...new Set((d.options ?? []).flatMap(objectKeys))];
  return [];
}

/** The field names the schema accepts at `path` (empty when it is not an object there). */
function knownKeysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let s = unwrap(schema);
  for (const seg of path) {
    const d = def(s);
    if (!d) return [];
    if (d.type === "object") s = unwrap(d.shape?.[String(seg)]);
    else if (d.type === "array") s = unwrap(d.element);
    else if (d.type === "record") s = unwrap(d.valueType);
    else if (d.type === "union") s = unwrap((d.options ?? []).map((o) => def(unwrap(o))?.shape?.[String(seg)]).find(Boolean));
    else return [];
  }
  return objectKeys(s);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  // The distance is at least the difference in length: names that far apart are never computed
  // (a 100,000-character key would otherwise cost seconds).
  const scored = known
    .filter((k) => Math.abs(k.length - name.length) <= limit)
    .map((k) => ({ k, d: k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase()) }))
    .sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= limit ? best.k : undefined;
}

/** "did you mean" for one unknown name, else the valid ones. */
function unknownNameHint(name: string, known: readonly string[]): string {
  const near = nearest(name, known);
  if (near) return `did you mean "${near}"?`;
  return known.length ? `valid here: ${known.join(", ")}` : "no fields are allowed here";
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

/** Why a number appeared where text is expected, and the quoted form to write instead. */
function numberHint(path: readonly PropertyKey[], value: number): string {
  const field = String(path[path.length - 1] ?? "value");
  if (field === "version") {
    const minors = Object.keys(KUBERNETES_RELEASES).filter((m) => Number(m) === value);
    const meant = minors[0] ?? String(value);
    return `${value} is a number, not text: YAML reads a version written without quotes as a number, and drops trailing zeros (1.30 becomes 1.3); quote it: ${field}: "${meant}"`;
  }
  return `${value} is a number, but text is expected: write it in quotes (${field}: "${value}")`;
}

/** Problems for one zod issue of environment `env`; `merged` is the config the issue is about. Input is quoted bounded. */
export function issueProblems(env: string, issue: z.core.$ZodIssue, merged: unknown, schema: Schema): Problem[] {
  const at = (path: readonly PropertyKey[]) => formatPath([env, ...path]);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(schema, issue.path);
    const shown = issue.keys.slice(0, 5).map((key) => ({ path: at([...issue.path, key]), message: `unknown field; ${unknownNameHint(key, known)}` }));
    if (issue.keys.length > 5)
      shown.push({
        path: at(issue.path),
        message: `and ${issue.keys.length - 5} more unknown fields; check the spelling against \`npm run -s config -- ${env}\``,
      });
    return shown;
  }
  // A record key that breaks its grammar: the grammar's own message says why.
  if (issue.code === "invalid_key" && issue.issues.length) return [{ path: at(issue.path), message: issue.issues.map((i) => i.message).join("; ") }];
  const value = valueAt(merged, issue.path);
  if (issue.code === "invalid_type" && issue.expected === "string" && typeof value === "number") {
    return [{ path: at(issue.path), message: numberHint(issue.path, value) }];
  }
  return [{ path: at(issue.path), message: issue.message }];
}
