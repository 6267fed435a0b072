/**
 * `npm run bench [-- --runs N]`: times a full synth (`node scripts/synth.mjs`: bundle, then every
 * stack and chart, in a fresh process) N times into a scratch folder and prints the median.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CommandSpec, helpText, parseCommandLine } from "../src/cli/args";
import { type CliIo, runEntry } from "../src/cli/io";
import { UserError } from "../src/errors";

export const BENCH_COMMAND: CommandSpec = {
  command: "npm run bench --",
  summary: "Times a full synth of every environment in a fresh process (bundle, stacks, charts) into a scratch folder, N times, and prints the median.",
  positionals: [],
  options: [{ flag: "--runs", value: "N", description: "how many runs, 1 to 50 (default 5)" }],
  examples: ["npm run bench", "npm run bench -- --runs 9"],
};

/** The number of runs from the command line; throws a UserError for anything but 1..50. */
export function benchRuns(argv: readonly string[]): number | undefined {
  const cl = parseCommandLine(BENCH_COMMAND, argv);
  if (cl.help) return undefined;
  const text = cl.options.runs;
  if (text === undefined) return 5;
  if (typeof text !== "string" || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 50) throw new UserError(`--runs must be a whole number from 1 to 50, got '${String(text)}'`);
  return Number(text);
}

const root = resolve(__dirname, "..");

function main(argv: readonly string[], io: CliIo): number {
  const runs = benchRuns(argv);
  if (runs === undefined) {
    io.out(helpText(BENCH_COMMAND));
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), "clusterkit-bench-"));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, [join(root, "scripts/synth.mjs")], { cwd: root, env: { ...process.env, CLUSTERKIT_ROOT: scratch }, encoding: "utf8" });
      const ms = performance.now() - started;
      if (r.status !== 0) {
        io.err(r.stderr);
        return 1;
      }
      times.push(ms);
      io.out(`run ${i + 1}/${runs}: ${Math.round(ms)} ms\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  io.out(`synth (all environments, fresh process) median of ${runs}: ${Math.round(median)} ms (min ${Math.round(sorted[0]!)}, max ${Math.round(sorted[sorted.length - 1]!)})\n`);
  return 0;
}

if (require.main === module) runEntry(main, root);
