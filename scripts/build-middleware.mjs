// Bundles the middleware (service/middleware/main.ts and its npm dependencies) into one file,
// build/middleware/main.js, that runs with a bare `node` (22 in the image, 20 in the tests).
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "build", "middleware");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "service", "middleware", "main.ts")],
  outfile: join(outdir, "main.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  // Reproducible: no timestamps or absolute paths in the output.
  sourcemap: false,
  legalComments: "eof",
});
console.log(`built ${join("build", "middleware", "main.js")}`);
