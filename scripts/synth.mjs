#!/usr/bin/env node
// `npm run synth`: bundles the TypeScript app with esbuild and runs it in this same process.
// Cheaper than transpiling module by module on every run, which keeps a full synth of every
// environment around a second. Dependencies (cdktf, cdk8s, cdk8s-plus, zod, ...) are bundled too:
// one file loads in about a fifth less CPU than hundreds of modules resolved and read one by one
// (`npm run bench`). The bundle is rebuilt only when a source file, or the installed packages
// (node_modules/.package-lock.json, rewritten by every npm install), are newer than it.
// Type-checking is `npm run typecheck` / `npm test`.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "build", "main.js");
const SOURCES = ["src", "stacks", "charts", ".gen", "package.json", "node_modules/.package-lock.json", "scripts/synth.mjs"];

/** Newest modification time under the given paths (files and folders). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), st.mtimeMs);
}

const bundleTime = existsSync(outfile) ? statSync(outfile).mtimeMs : 0;
if (bundleTime <= Math.max(...SOURCES.map((p) => newest(join(root, p))))) {
  // Loaded only to rebuild: most runs reuse the bundle.
  const { buildSync } = await import("esbuild");
  const result = buildSync({
    entryPoints: [join(root, "src", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
    write: false,
  });
  // Written via rename so concurrent runs never load a half-written bundle.
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outfile);
}
// build/main.js finds the project root as its parent folder, just as src/main.ts does.
createRequire(import.meta.url)(outfile);
