/**
 * `npm run bench [-- --runs N]`: times a full synth (`node scripts/synth.mjs`: bundle, then every
 * stack and chart, in a fresh process) N times into a scratch folder and prints the median.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Math.min(Math.max(Number(process.argv[runsArg + 1]) || 5, 1), 50) : 5;
const scratch = mkdtempSync(join(tmpdir(), "clusterkit-bench-"));

const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(root, "scripts/synth.mjs")], {
      cwd: root,
      env: { ...process.env, CLUSTERKIT_ROOT: scratch },
      encoding: "utf8",
    });
    const ms = performance.now() - started;
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    times.push(ms);
    process.stdout.write(`run ${i + 1}/${runs}: ${Math.round(ms)} ms\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const sorted = [...times].sort((a, b) => a - b);
const mid = Math.floor(sorted.length / 2);
const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
process.stdout.write(`synth (all environments, fresh process) median of ${runs}: ${Math.round(median)} ms (min ${Math.round(sorted[0]!)}, max ${Math.round(sorted[sorted.length - 1]!)})\n`);
