/**
 * `npm run bench [-- --runs N]`: times, N times each in fresh processes, (1) a full synth of every
 * environment (`node scripts/synth.mjs`: every stack and chart, written into a scratch root) and
 * (2) its floor, a process that only loads cdktf, cdk8s and cdk8s-plus; prints both medians and
 * their ratio. The runs alternate, so a busy machine slows both alike. Also reports CPU time
 * (user + system), which other load on the machine disturbs less than wall time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CommandSpec, helpText, parseCommandLine } from "../src/cli/args";
import { type CliIo, runEntry } from "../src/cli/io";
import { UserError } from "../src/errors";

export const BENCH_COMMAND: CommandSpec = {
  command: "npm run bench --",
  summary:
    "Times a full synth of every environment in a fresh process (stacks and charts, into a scratch folder) and the floor under it (a process that only loads cdktf, cdk8s and cdk8s-plus), N times each, and prints the medians and their ratio.",
  positionals: [],
  options: [{ flag: "--runs", value: "N", description: "how many runs of each, 1 to 50 (default 5)" }],
  examples: ["npm run bench", "npm run bench -- --runs 9"],
};

/** The number of runs from the command line; throws a UserError for anything but 1..50. */
export function benchRuns(argv: readonly string[]): number | undefined {
  const cl = parseCommandLine(BENCH_COMMAND, argv);
  if (cl.help) return undefined;
  const text = cl.options.runs;
  if (text === undefined) return 5;
  if (typeof text !== "string" || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 50)
    throw new UserError(`--runs must be a whole number from 1 to 50, got '${String(text)}'`);
  return Number(text);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const root = resolve(__dirname, "..");

/** What the floor process loads: the libraries every synth needs before it builds anything. */
const FLOOR_SCRIPT = 'require("cdktf"); require("cdk8s"); require("cdk8s-plus-28");';

interface Timing {
  readonly wallMs: number;
  /** The child's user + system CPU time. */
  readonly cpuMs: number;
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat (Linux;
 * NaN elsewhere): Node reports its own usage only.
 */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Runs node with `args`, returning its wall and CPU time; throws with its stderr when it fails. */
function timeNode(args: readonly string[], env: NodeJS.ProcessEnv): Timing {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new UserError(`node ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
}

function main(argv: readonly string[], io: CliIo): number {
  const runs = benchRuns(argv);
  if (runs === undefined) {
    io.out(helpText(BENCH_COMMAND));
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), "clusterkit-bench-"));
  const synth: Timing[] = [];
  const floor: Timing[] = [];
  try {
    // Builds build/main.js first when sources changed, so that no timed run pays for the bundle.
    timeNode([join(root, "scripts/synth.mjs")], { ...process.env, CLUSTERKIT_ROOT: scratch });
    for (let i = 0; i < runs; i++) {
      const s = timeNode([join(root, "scripts/synth.mjs")], { ...process.env, CLUSTERKIT_ROOT: scratch });
      const f = timeNode(["-e", FLOOR_SCRIPT], process.env);
      synth.push(s);
      floor.push(f);
      io.out(
        `run ${i + 1}/${runs}: synth ${Math.round(s.wallMs)} ms (cpu ${Math.round(s.cpuMs)}), floor ${Math.round(f.wallMs)} ms (cpu ${Math.round(f.cpuMs)})\n`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const line = (label: string, t: Timing[]) => {
    const wall = t.map((x) => x.wallMs);
    return `${label} median of ${runs}: ${Math.round(median(wall))} ms wall (min ${Math.round(Math.min(...wall))}, max ${Math.round(Math.max(...wall))}), ${Math.round(median(t.map((x) => x.cpuMs)))} ms cpu\n`;
  };
  io.out(line("synth (all environments, fresh process)", synth));
  io.out(line("floor (load cdktf, cdk8s, cdk8s-plus only)", floor));
  const ratio = (pick: (t: Timing) => number) => (median(synth.map(pick)) / median(floor.map(pick))).toFixed(2);
  io.out(`synth / floor: ${ratio((t) => t.wallMs)}x wall, ${ratio((t) => t.cpuMs)}x cpu\n`);
  return 0;
}

if (require.main === module) runEntry(main, root);
