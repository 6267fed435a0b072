#!/usr/bin/env node
// Generates TypeScript provider bindings into .gen/ from the pinned schema files in
// provider-schemas/ (no terraform, no network). Runs on `npm ci` (postinstall) and `npm run gen`.
// Skips work when .gen/ already matches the schemas (a stamp holds their hash).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemaDir = join(root, "provider-schemas");
const outDir = join(root, ".gen");
const stampFile = join(outDir, ".stamp");
const force = process.argv.includes("--force");
const require = createRequire(import.meta.url);

const manifest = JSON.parse(readFileSync(join(schemaDir, "providers.json"), "utf8"));
const generatorVersion = require("@cdktf/provider-generator/package.json").version;

const hash = createHash("sha256").update(generatorVersion);
for (const p of manifest.providers) hash.update(JSON.stringify(p)).update(readFileSync(join(schemaDir, p.schema)));
const stamp = hash.digest("hex");

if (!force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
  console.log("provider bindings: .gen/ is up to date");
  process.exit(0);
}

// @cdktf/commons asks the terraform binary (if any) for its version when it loads; a
// TF_CLI_CONFIG_FILE naming a missing file makes that print a scary but irrelevant error twice.
if (process.env.TF_CLI_CONFIG_FILE && !existsSync(process.env.TF_CLI_CONFIG_FILE)) delete process.env.TF_CLI_CONFIG_FILE;

// Deep imports on purpose: the package index require.resolve()s jsii and jsii-pacmak at load
// time, which the TypeScript target never uses.
const { TerraformProviderGenerator } = require("@cdktf/provider-generator/lib/get/generator/provider-generator");
const { ConstructsMakerProviderTarget, LANGUAGES, TerraformProviderConstraint } = require("@cdktf/commons");
const { CodeMaker } = require("codemaker");

const started = Date.now();
const tmpDir = `${outDir}.tmp-${process.pid}`;
rmSync(tmpDir, { recursive: true, force: true });
mkdirSync(tmpDir, { recursive: true });
try {
  for (const p of manifest.providers) {
    const schema = JSON.parse(readFileSync(join(schemaDir, p.schema), "utf8"));
    const code = new CodeMaker();
    code.indentation = 2;
    const target = new ConstructsMakerProviderTarget(
      new TerraformProviderConstraint({ name: p.name, source: p.source, version: p.version }),
      LANGUAGES[0], // TypeScript
    );
    new TerraformProviderGenerator(code, schema).generate(target);
    await code.save(tmpDir);
  }
  writeFileSync(join(tmpDir, ".stamp"), stamp);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmpDir, outDir);
} catch (err) {
  rmSync(tmpDir, { recursive: true, force: true });
  console.error(`provider bindings: generation failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
console.log(`provider bindings: generated ${manifest.providers.map((p) => `${p.name}@${p.version}`).join(", ")} into .gen/ in ${Date.now() - started} ms`);
