/**
 * Lint: the layer rules (eslint/layers.cjs) as `no-restricted-imports`, and nothing else yet. For
 * each folder, a relative import that climbs k levels must land in a path its layer allows; any
 * other one is refused with the layer's reason. `npm test` runs it before jest (`npm run lint`).
 */

// CommonJS so that tests load it in-process (jest runs CommonJS) and hand it to ESLint's API.
const { readdirSync } = require("node:fs");
const { join, posix } = require("node:path");
const tsParser = require("@typescript-eslint/parser");
const { LAYERS } = require("./eslint/layers.cjs");

const ROOT = __dirname;
const SKIP = new Set(["node_modules", "imports", "__snapshots__"]);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Folders below `dir` (project-relative), `dir` included. */
function folders(dir) {
  const out = [dir];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (e.isDirectory() && !SKIP.has(e.name)) out.push(...folders(posix.join(dir, e.name)));
  }
  return out;
}

/**
 * Patterns for a file in `dir`: for each number of `../` the specifier starts with, the paths
 * below that ancestor the layer allows; anything else from there is refused.
 */
function patterns(dir, layer) {
  const parts = dir.split("/");
  const out = [];
  for (let k = 1; k <= parts.length; k++) {
    const ancestor = parts.slice(0, parts.length - k).join("/");
    const below = layer.allowed.flatMap((a) => {
      if (ancestor === "") return [a];
      if (a === ancestor || ancestor.startsWith(`${a}/`)) return [""];
      return a.startsWith(`${ancestor}/`) ? [a.slice(ancestor.length + 1)] : [];
    });
    if (below.includes("")) continue; // everything below this ancestor is allowed
    // A file is imported without its `.ts`; a JSON file with its extension.
    const allowed = below.length ? `(?!(?:${below.map((b) => escape(b.replace(/\.ts$/, ""))).join("|")})(?:/|$))` : "";
    out.push({ regex: `^(?:\\.\\./){${k}}(?!\\.\\./)${allowed}`, message: `${layer.name}: ${layer.why} (eslint/layers.cjs).` });
  }
  // `a/../b` could hide where an import lands.
  out.push({
    regex: "(?:^|/)(?!\\.\\.?/)[^/]+/\\.\\.(?:/|$)|/\\./",
    message: "write import paths normalized (no `x/..` or `/./`), so the layer rules can read them.",
  });
  return out;
}

const blocks = [];
for (const layer of LAYERS) {
  for (const folder of layer.folders) {
    if (folder.endsWith(".ts")) {
      blocks.push({ files: [folder], rules: { "no-restricted-imports": ["error", { patterns: patterns(posix.dirname(folder), layer) }] } });
      continue;
    }
    for (const dir of folders(folder)) {
      blocks.push({ files: [`${dir}/*.ts`], rules: { "no-restricted-imports": ["error", { patterns: patterns(dir, layer) }] } });
    }
  }
}

module.exports = [
  { ignores: ["**/node_modules/**", ".gen/**", "dist/**", "cdktf.out/**", "build/**", "charts/imports/**", "service/frontend/**", "service/executor/**"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: "module" },
    // The sources carry a few `eslint-disable no-control-regex` notes for a rule not enabled yet.
    linterOptions: { reportUnusedDisableDirectives: "off" },
  },
  ...blocks,
];
