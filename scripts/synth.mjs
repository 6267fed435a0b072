#!/usr/bin/env node
// `npm run synth`: bundles the TypeScript app with esbuild (tens of milliseconds; dependencies stay
// external) and runs it in this same process. Cheaper than transpiling module by module on every
// run, which keeps a full synth of every environment around a second. Type-checking is
// `npm run typecheck` / `npm test`.
import { buildSync } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "build", "main.js");
const result = buildSync({
  entryPoints: [join(root, "src", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  logLevel: "warning",
  write: false,
});
// Written via rename so concurrent runs never load a half-written bundle.
mkdirSync(dirname(outfile), { recursive: true });
const tmp = `${outfile}.${process.pid}.tmp`;
writeFileSync(tmp, result.outputFiles[0].contents);
renameSync(tmp, outfile);
// build/main.js finds the project root as its parent folder, just as src/main.ts does.
createRequire(import.meta.url)(outfile);
