/**
 * `npm run bench:runtimes -- <environment> | --local [options]`: argument parsing and the run:
 * the table on stdout, JSON and SVG into dist/<target>/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RUNTIMES, type RuntimeName } from "../config/runtimes";
import { PRESET_NAMES, type EnvironmentName } from "../config/schema";
import { UserError } from "../errors";
import { BENCH_APPS, type BenchApp, SIZES } from "./apps";
import { renderChart } from "./chart";
import { formatTable } from "./report";
import type { BenchResult } from "./result";
import { type BenchBackend, runBench } from "./run";

export const USAGE = `usage: npm run bench:runtimes -- <environment> | --local [options]

Runs a CPU-bound, an I/O-bound and a network-bound application and measures container start
under every container runtime installed (runC, gVisor, Kata), then prints medians and ratios
against runC and writes dist/<environment>/runtimes-bench.{json,svg}.

  <environment>        ${PRESET_NAMES.join(", ")} or one CLUSTERKIT_CONFIG adds: run as Pods on that cluster (its kubeconfig)
  --local              no cluster: run the same images with podman on this machine
                       (runc, and runsc / kata-runtime when installed); writes dist/local-machine/
  --repeat N           measurements per application and runtime (default 5, 1-50)
  --warmup N           discarded rounds before them (default 1, 0-5)
  --quick              small workloads (same code paths, seconds instead of minutes)
  --apps LIST          comma-separated subset of ${BENCH_APPS.join(",")}
  --runtimes LIST      comma-separated subset of ${RUNTIMES.join(",")}
  --kubeconfig PATH    cluster: kubeconfig to use (default: the environment's kubeconfigPath)
  --podman-root DIR    local: a separate podman storage (default: podman's own)
  --images DIR         local: folder of the image archives (default build/images)
  --out DIR            where the JSON and SVG go (default dist/<environment> or dist/local-machine)`;

export interface BenchArgs {
  /** An environment (a cluster), or this machine (`--local`). */
  readonly target: EnvironmentName | "local-machine";
  readonly repeat: number;
  readonly warmup: number;
  readonly quick: boolean;
  readonly apps?: readonly BenchApp[];
  readonly runtimes?: readonly RuntimeName[];
  readonly kubeconfig?: string;
  readonly podmanRoot?: string;
  readonly images?: string;
  readonly out?: string;
  readonly help?: boolean;
}

function count(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UserError(`${flag} must be a whole number from ${min} to ${max}, got ${text === undefined ? "nothing" : `'${text}'`}`);
  return Number(text);
}

function list<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T[] {
  const items = (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (items.length === 0 || bad.length)
    throw new UserError(`${flag}: ${bad.length ? `unknown ${bad.map((b) => `'${b}'`).join(", ")}` : "needs a value"}; choose from ${allowed.join(", ")}`);
  return items as T[];
}

/** `names`: the environments the configuration defines. @default the shipped presets */
export function parseBenchArgs(argv: readonly string[], names: () => readonly string[] = () => PRESET_NAMES): BenchArgs {
  let target: BenchArgs["target"] | undefined;
  const a: { -readonly [K in keyof BenchArgs]?: BenchArgs[K] } = { repeat: 5, warmup: 1, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UserError(`${flag} needs a value`);
      return v;
    };
    const setTarget = (t: BenchArgs["target"]) => {
      if (target && target !== t) throw new UserError(`one target only: got ${target} and ${t}`);
      target = t;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return { target: "local-machine", repeat: 5, warmup: 1, quick: false, help: true };
      case "--local":
        setTarget("local-machine");
        break;
      case "--repeat":
        a.repeat = count(flag, value(), 1, 50);
        break;
      case "--warmup":
        a.warmup = count(flag, value(), 0, 5);
        break;
      case "--quick":
        a.quick = true;
        break;
      case "--apps":
        a.apps = list(flag, value(), BENCH_APPS);
        break;
      case "--runtimes":
        a.runtimes = list(flag, value(), RUNTIMES);
        break;
      case "--kubeconfig":
        a.kubeconfig = value();
        break;
      case "--podman-root":
        a.podmanRoot = resolve(value());
        break;
      case "--images":
        a.images = resolve(value());
        break;
      case "--out":
        a.out = resolve(value());
        break;
      default:
        if (flag.startsWith("-")) throw new UserError(`unknown option ${flag} (see --help)`);
        if (!names().includes(flag)) throw new UserError(`unknown environment '${flag}'; expected one of ${names().join(", ")}, or --local`);
        setTarget(flag as EnvironmentName);
    }
  }
  if (!target) throw new UserError(`name an environment (${names().join(", ")}) or --local`);
  if (target === "local-machine" && a.kubeconfig) throw new UserError("--kubeconfig is for a cluster, not --local");
  if (target !== "local-machine" && a.podmanRoot) throw new UserError("--podman-root is for --local only");
  return { ...a, target } as BenchArgs;
}

export interface Written {
  readonly result: BenchResult;
  readonly json: string;
  readonly svg: string;
  readonly table: string;
}

/** Runs the benchmark and writes its files; returns what it wrote. */
export async function benchAndWrite(backend: BenchBackend, args: BenchArgs, root: string, log: (line: string) => void): Promise<Written> {
  const result = await runBench(backend, {
    repeats: args.repeat,
    warmup: args.warmup,
    sizes: args.quick ? SIZES.quick : SIZES.default,
    ...(args.apps ? { apps: args.apps } : {}),
    ...(args.runtimes ? { only: args.runtimes } : {}),
    log,
  });
  const out = args.out ?? join(root, "dist", backend.target);
  mkdirSync(out, { recursive: true });
  const json = join(out, "runtimes-bench.json");
  const svg = join(out, "runtimes-bench.svg");
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(svg, renderChart(result));
  return { result, json, svg, table: formatTable(result) };
}
