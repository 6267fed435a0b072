/**
 * Result frames as the executor's report container prints them (service/contract/frame.ts): a
 * ustar archive of the runner's files, framed. For tests that play the executor.
 */
import type { ExecutorSummary } from "../../service/contract/executor";
import { encodeFrame } from "../../service/contract/frame";

/** A POSIX ustar archive of regular files (what the runner packs). */
export function ustar(files: readonly { name: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, "utf8");
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(f.data.length.toString(8).padStart(11, "0") + "\0", 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write("0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, Buffer.from(f.data), Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export interface RunnerResult {
  readonly summary: ExecutorSummary;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly compileLog?: string;
  /** output/<name> files. */
  readonly outputs?: Record<string, Uint8Array | string>;
}

export function resultFrame(r: RunnerResult): string {
  const files = [
    { name: "meta/summary.json", data: Buffer.from(JSON.stringify(r.summary)) },
    { name: "meta/stdout.txt", data: Buffer.from(r.stdout ?? "") },
    { name: "meta/stderr.txt", data: Buffer.from(r.stderr ?? "") },
    { name: "meta/compile.log", data: Buffer.from(r.compileLog ?? "") },
    ...Object.entries(r.outputs ?? {}).map(([n, d]) => ({ name: `output/${n}`, data: Buffer.from(d) })),
  ];
  return encodeFrame(ustar(files));
}

/** A runner summary with the defaults' limits. */
export function summary(partial: Partial<ExecutorSummary> & Pick<ExecutorSummary, "outcome" | "language">): ExecutorSummary {
  return {
    version: 1,
    phase: "run",
    run: { exitCode: 0, signal: null, durationMs: 12 },
    truncated: { stdout: false, stderr: false, compileLog: false, output: false },
    limits: { compileTimeoutMs: 30000, runTimeoutMs: 10000, memoryBytes: 256 * 2 ** 20, outputBytes: 2 ** 20, maxProcesses: 128 },
    ...partial,
  };
}
