/**
 * `npm run docs:config`: writes docs/config.md from the schema (src/config/schema.ts) and the
 * presets (src/config/profiles/): every field with its rule, its default in each shipped
 * environment (or its documented `@default` where no preset sets it) and its JSDoc. The field
 * comments are read from schema.ts with the TypeScript compiler, so the schema stays the one source.
 * A fast test fails when docs/config.md differs from what this writes (test/config/config-docs.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { BUILT_IMAGE_NAMES, BUILT_IMAGE_NAMESPACE, builtImageTag } from "../src/config/built-images";
import { applyDerivedDefaults, defaultInput } from "../src/config/defaults";
import { PRESETS, PROFILES } from "../src/config/profiles";
import { type Platform, PLATFORMS, PRESET_NAMES, type PresetName } from "../src/config/schema";

export const CONFIG_DOC = "docs/config.md";
const SCHEMA_FILE = "src/config/schema.ts";

/** A documented field: its path (`workers[].name` inside lists), the rule as written, its comment and `@default`. */
interface Field {
  readonly path: string;
  readonly rule: string;
  readonly doc: string;
  readonly defaultTag?: string;
  /** A list or mapping whose items have fields of their own (the default is shown here, whole). */
  readonly container: boolean;
}

/** The `/** ... *\/` comment directly before a node: its text and its `@default`, tags removed. */
function jsDoc(node: ts.Node, source: ts.SourceFile): { doc: string; defaultTag?: string } {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const docs = ranges.map((r) => source.text.slice(r.pos, r.end)).filter((t) => t.startsWith("/**"));
  const text = docs
    .map((t) =>
      t
        .replace(/^\/\*\*|\*\/$/g, "")
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, "").trim())
        .join(" "),
    )
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const at = text.indexOf("@default");
  if (at < 0) return { doc: text };
  return { doc: text.slice(0, at).trim(), defaultTag: text.slice(at + "@default".length).trim() };
}

/** A short form of the rule as the schema writes it. */
function ruleText(expr: ts.Expression, source: ts.SourceFile): string {
  // Source text as one line, whatever the formatter made of it (chained calls broken before their dots).
  const text = expr.getText(source).replace(/\s+/g, " ").replace(/ \./g, ".").replace(/\( /g, "(").replace(/ \)/g, ")");
  const enumValues = /z\.enum\(\[([^\]]*)\]/.exec(text);
  if (enumValues) return `one of ${enumValues[1]!.replace(/"/g, "").replace(/\s*,\s*/g, ", ")}`;
  if (/^z\.enum\(ACK_CLUSTER_TYPES/.test(text)) return "one of managed, dedicated";
  if (/^z\.boolean\(\)/.test(text)) return "true or false";
  const literal = /^z\.literal\(("[^"]*")/.exec(text);
  if (literal) return literal[1]!;
  const range = /^intRange\((\d[\d_]*), (\d[\d_]*)\)/.exec(text);
  if (range) return `integer ${range[1]!.replace(/_/g, "")}–${range[2]!.replace(/_/g, "")}`;
  const cidr = /^cidrBlock\((\d+), (\d+)\)/.exec(text);
  if (cidr) return `CIDR, /${cidr[1]} to /${cidr[2]}`;
  const short = text.length > 48 ? `${text.slice(0, 45)}…` : text;
  return `\`${short.replace(/\|/g, "\\|")}\``;
}

/** Reads the object shapes of schema.ts and lists every field of `schemaName` with its comment. */
function schemaFields(root: string, schemaName: string): Field[] {
  const source = ts.createSourceFile(SCHEMA_FILE, readFileSync(join(root, SCHEMA_FILE), "utf8"), ts.ScriptTarget.Latest, true);
  const declared = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) declared.set(d.name.text, d.initializer);
  }
  /** The object literals an expression's schema is built from, and whether it is a list of them. */
  const shapes = (expr: ts.Expression, seen = new Set<string>()): { objects: ts.ObjectLiteralExpression[]; list: boolean; record: boolean } => {
    if (ts.isIdentifier(expr)) {
      const init = declared.get(expr.text);
      if (!init || seen.has(expr.text)) return { objects: [], list: false, record: false };
      return shapes(init, new Set([...seen, expr.text]));
    }
    if (ts.isObjectLiteralExpression(expr)) return { objects: [expr], list: false, record: false };
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
      const method = expr.expression.name.text;
      const on = expr.expression.expression;
      const isZ = ts.isIdentifier(on) && on.text === "z";
      if (isZ && (method === "strictObject" || method === "object") && expr.arguments[0]) return shapes(expr.arguments[0], seen);
      if (isZ && method === "array" && expr.arguments[0]) return { ...shapes(expr.arguments[0], seen), list: true };
      if (isZ && method === "record") return { objects: [], list: false, record: true };
      if (isZ && method === "discriminatedUnion" && expr.arguments[1] && ts.isArrayLiteralExpression(expr.arguments[1])) {
        return { objects: expr.arguments[1].elements.flatMap((e) => shapes(e, seen).objects), list: false, record: false };
      }
      if (!isZ) return shapes(on, seen); // .optional(), .superRefine(...), .refine(...), .min(...)
    }
    return { objects: [], list: false, record: false };
  };
  const fields: Field[] = [];
  const visit = (object: ts.ObjectLiteralExpression, prefix: string) => {
    for (const p of object.properties) {
      if (ts.isSpreadAssignment(p)) {
        for (const o of shapes(p.expression).objects) visit(o, prefix);
        continue;
      }
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
      const path = `${prefix}${p.name.text}`;
      if (fields.some((f) => f.path === path)) continue; // a union's variants share fields
      const { objects, list, record } = shapes(p.initializer);
      const { doc, defaultTag } = jsDoc(p, source);
      if (objects.length && !list) {
        if (doc || defaultTag) fields.push({ path, rule: "mapping", doc, defaultTag, container: true });
        for (const o of objects) visit(o, `${path}.`);
        continue;
      }
      fields.push({
        path,
        rule: list
          ? objects.length
            ? "list of mappings"
            : `list: ${ruleText(p.initializer, source)}`
          : record
            ? `mapping: ${ruleText(p.initializer, source)}`
            : ruleText(p.initializer, source),
        doc,
        defaultTag,
        container: list || record,
      });
      if (list) for (const o of objects) visit(o, `${path}[].`);
    }
  };
  const top = declared.get(schemaName);
  if (!top) throw new Error(`${SCHEMA_FILE} has no ${schemaName}`);
  for (const o of shapes(top).objects) visit(o, "");
  return fields;
}

/** The value at a dotted path (no `[]`), or undefined. */
function valueAt(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** A built image's tag changes with its sources: the docs say where it comes from instead (else they would go stale with every image change). */
function withoutBuiltTags(text: string): string {
  return BUILT_IMAGE_NAMES.reduce(
    (t, name) => t.split(`/${BUILT_IMAGE_NAMESPACE}/${name}:${builtImageTag(name)}`).join(`/${BUILT_IMAGE_NAMESPACE}/${name}:<tag in images/images.lock.json>`),
    text,
  );
}

function shown(value: unknown): string {
  if (value === undefined) return "";
  const text = withoutBuiltTags(typeof value === "string" ? value : JSON.stringify(value));
  const short = text.length > 90 ? `${text.slice(0, 87)}…` : text;
  return `\`${short.replace(/\|/g, "\\|")}\``;
}

/** A preset's defaults, derived ones applied (what `npm run config` prints without a config file, before address resolution). */
function presetDefaults(name: string, platform: Platform): unknown {
  const merged = defaultInput(name, platform);
  applyDerivedDefaults(platform, merged, undefined);
  return merged;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** docs/config.md as `npm run docs:config` writes it. */
export function configDocs(root: string): string {
  const lines: string[] = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs:config` from src/config/schema.ts and src/config/profiles/; do not edit by hand (a test fails when this file is stale). -->",
    "",
    "Every environment is data: a **platform** (one profile per platform in `src/config/profiles/`) and",
    "its fields. The shipped environments are **presets**: their profile's defaults plus a few values of",
    "their own. A `CLUSTERKIT_CONFIG` file (YAML or JSON, keyed by environment name) overrides any field",
    "of a preset, and adds an environment under a new name when it gives the platform:",
    "",
    "```yaml",
    "# clusterkit.yaml — CLUSTERKIT_CONFIG=clusterkit.yaml npm run synth -- ack-shanghai",
    "ack-shanghai:            # a new name: a DNS label (state/ack-shanghai/, tags, the stack id)",
    "  platform: ack          # required for a new environment; ack is the only platform that allows more than one",
    "  region: cn-shanghai    # default vSwitch zones follow: cn-shanghai-a, -b, -c (write network.vswitches if the region's differ)",
    "  cluster: { type: managed }   # managed (default) or dedicated",
    "```",
    "",
    "An added environment starts from its platform's defaults (the table's last column) and is validated",
    "by the same rules; every command that takes an environment accepts it (`npm run synth -- ack-shanghai`,",
    "`npm run deploy -- ack-shanghai`, …). `npm run -s config -- <env>` prints an environment's effective",
    "configuration. Objects merge field by field; lists replace the default list.",
    "",
    "## Presets",
    "",
    "| environment | platform | what it is | what it sets beyond its profile's defaults |",
    "| --- | --- | --- | --- |",
    ...PRESET_NAMES.map(
      (n: PresetName) =>
        `| \`${n}\` | ${PRESETS[n].platform} | ${PRESETS[n].summary} | ${Object.keys(PRESETS[n].values).length ? shown(PRESETS[n].values) : "nothing"} |`,
    ),
    "",
  ];
  for (const platform of PLATFORMS) {
    const profile = PROFILES[platform];
    const presets = PRESET_NAMES.filter((n) => PRESETS[n].platform === platform);
    const columns = [...presets, ...(profile.singleton ? [] : ["added environment `<name>`"])];
    const defaults = [...presets.map((n) => presetDefaults(n, platform)), ...(profile.singleton ? [] : [presetDefaults("<name>", platform)])];
    lines.push(
      `## Platform \`${platform}\`: ${profile.title}`,
      "",
      profile.singleton
        ? "One per machine: only the `local` preset (VirtualBox VM names and the host-only network are the machine's)."
        : "Any number: the presets below, and any environment a config file adds with `platform: ack`.",
      "",
      `| field | rule | default: ${columns.map((c) => (c.startsWith("added") ? c : `\`${c}\``)).join(" / ")} | description |`,
      "| --- | --- | --- | --- |",
    );
    for (const f of schemaFields(root, platform === "local" ? "localSchema" : "ackSchema")) {
      const inList = f.path.includes("[]");
      const values = inList ? [] : defaults.map((d) => valueAt(d, f.path));
      const distinct = [...new Set(values.map((v) => JSON.stringify(v)))];
      let def: string;
      if (inList) def = "per item (the list's default above)";
      else if (values.every((v) => v === undefined)) def = f.defaultTag ? cell(f.defaultTag) : "unset";
      else if (distinct.length === 1) def = shown(values[0]);
      else def = values.map((v, i) => `${columns[i]!.startsWith("added") ? "added" : columns[i]}: ${v === undefined ? "unset" : shown(v)}`).join("<br>");
      if (!inList && f.defaultTag && values.some((v) => v !== undefined) && distinct.length === 1 && f.container) def = shown(values[0]);
      lines.push(`| \`${f.path}\` | ${f.rule} | ${def} | ${cell(f.doc)} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

if (require.main === module) {
  const root = resolve(__dirname, "..");
  writeFileSync(join(root, CONFIG_DOC), configDocs(root));
  process.stdout.write(`clusterkit: wrote ${CONFIG_DOC}\n`);
}
