// Bundles the load generator (scripts/loadgen.ts) into build/loadgen/main.js for the bench-loadgen
// image, which runs it on a cluster as the network benchmark's client.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "build", "loadgen");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "scripts", "loadgen.ts")],
  outfile: join(outdir, "main.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  sourcemap: false,
  legalComments: "eof",
});
console.log(`built ${join("build", "loadgen", "main.js")}`);
