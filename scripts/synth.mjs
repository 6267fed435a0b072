#!/usr/bin/env node
// `npm run synth`: bundles the TypeScript app with esbuild and runs it in this same process.
// Cheaper than transpiling module by module on every run, which keeps a full synth of every
// environment around a second. Dependencies (cdktf, cdk8s, cdk8s-plus, zod, ...) are bundled too:
// one file loads in about a fifth less CPU than hundreds of modules resolved and read one by one
// (`npm run bench`). The bundle is rebuilt only when one of its own inputs (esbuild's list of the
// files it read, kept beside it: sources, service/contract, images/images.lock.json, ...), or the
// installed packages (node_modules/.package-lock.json, rewritten by every npm install), are newer.
// Type-checking is `npm run typecheck` / `npm test`.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "build", "main.js");
const inputsFile = join(root, "build", "main.inputs.json");
/** Files outside node_modules that decide the bundle besides its inputs. */
const ALWAYS = ["package.json", "node_modules/.package-lock.json", "scripts/synth.mjs"];

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : Infinity);

/** True when the bundle and its input list exist and no input (or a missing one) is newer. */
function fresh() {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const built = statSync(outfile).mtimeMs;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
  } catch {
    return false;
  }
  return Array.isArray(inputs) && [...ALWAYS, ...inputs].every((p) => mtime(join(root, p)) < built);
}

if (!fresh()) {
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
    metafile: true,
    absWorkingDir: root,
  });
  // Written via rename so concurrent runs never load a half-written bundle.
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outfile);
  // node_modules is covered by its .package-lock.json; everything else the bundle read is listed.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith("node_modules/"));
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
}
// build/main.js finds the project root as its parent folder, just as src/main.ts does.
createRequire(import.meta.url)(outfile);
