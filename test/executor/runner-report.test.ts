/**
 * `faas-runner report` on crafted /results trees, outside containers: whatever the job left there
 * (links, FIFOs, devices, huge or sparse files, odd names, deep trees), the report prints exactly
 * one frame that the middleware's parser (service/contract/frame.ts, tar.ts) accepts, holding only
 * regular files read without following links, within MAX_FRAME_BYTES.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect } from "@jest/globals";
import { MAX_OUTPUT_FILES, MAX_OUTPUT_LIMIT_BYTES, MAX_RESULT_PAYLOAD_BYTES, RESULT_FILES } from "../../service/contract/executor";
import { FRAME_BEGIN, MAX_FRAME_BYTES, parseFrame } from "../../service/contract/frame";
import { readTar, type TarEntry } from "../../service/contract/tar";
import { itIf } from "../support/requires";
import { runnerSkipReason, runRunner } from "./runner-binary";

const asRoot = process.getuid?.() === 0;

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tree(build: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "runner-report-"));
  made.push(dir);
  build(dir);
  return dir;
}

function meta(dir: string, files: Partial<Record<"summary.json" | "stdout.txt" | "stderr.txt" | "compile.log", string | Buffer>>): void {
  mkdirSync(join(dir, "meta"), { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, "meta", name), data);
}

/** Runs the report and parses its stdout as the middleware does; stderr must stay empty. */
function report(dir: string, uid?: number): { frame: string; entries: TarEntry[]; names: string[] } {
  const r = runRunner(["report", dir], { uid });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const frame = r.stdout.toString("utf8");
  expect(frame.startsWith(`${FRAME_BEGIN}\n`)).toBe(true);
  expect(frame.length).toBeLessThan(MAX_FRAME_BYTES);
  const entries = readTar(parseFrame(frame));
  return { frame, entries, names: entries.map((e) => e.name) };
}

const text = (entries: TarEntry[], name: string) => entries.find((e) => e.name === name)?.data.toString("utf8");

describe("faas-runner report", () => {
  itIf(runnerSkipReason, "packs meta/ and the output folder, nested folders included, and nothing else", () => {
    const dir = tree((d) => {
      meta(d, { "summary.json": '{"version":1}', "stdout.txt": "out\n", "stderr.txt": "", "compile.log": "warning\n" });
      mkdirSync(join(d, "output", "a", "b"), { recursive: true });
      writeFileSync(join(d, "output", "top.txt"), "top");
      writeFileSync(join(d, "output", "a", "b", "deep.bin"), Buffer.from([0, 1, 2, 255]));
      writeFileSync(join(d, "stray.txt"), "not under meta/ or output/");
      mkdirSync(join(d, ".discarded-output-0"));
      writeFileSync(join(d, ".discarded-output-0", "old.txt"), "moved aside by the run");
    });
    const { entries, names } = report(dir);
    expect(names).toEqual([RESULT_FILES.summary, RESULT_FILES.stdout, RESULT_FILES.stderr, RESULT_FILES.compileLog, "output/a/b/deep.bin", "output/top.txt"]);
    expect(text(entries, RESULT_FILES.summary)).toBe('{"version":1}');
    expect(text(entries, RESULT_FILES.stdout)).toBe("out\n");
    expect([...entries.find((e) => e.name === "output/a/b/deep.bin")!.data]).toEqual([0, 1, 2, 255]);
  });

  itIf(runnerSkipReason, "payloads of every length modulo 3 and around line ends survive base64 and the checksum", () => {
    for (const size of [0, 1, 2, 3, 56, 57, 58, 511, 512, 513, 1000, 1001, 1002]) {
      const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + size) % 256));
      const dir = tree((d) => {
        meta(d, { "stdout.txt": data });
        // One more block per size changes the archive length modulo 3.
        for (let k = 0; k < size % 3; k++) meta(d, { [["stderr.txt", "compile.log"][k]!]: "x" } as never);
      });
      expect(
        report(dir)
          .entries.find((e) => e.name === RESULT_FILES.stdout)!
          .data.equals(data),
      ).toBe(true);
    }
  });

  itIf(runnerSkipReason, "never follows a symbolic link: not for meta files, not for meta/ or output/ themselves, not inside output", () => {
    const secret = tree((d) => writeFileSync(join(d, "secret.txt"), "SECRET"));
    const dir = tree((d) => {
      meta(d, { "stdout.txt": "real" });
      symlinkSync(join(secret, "secret.txt"), join(d, "meta", "summary.json"));
      mkdirSync(join(d, "output"));
      symlinkSync(join(secret, "secret.txt"), join(d, "output", "link.txt"));
      symlinkSync(secret, join(d, "output", "linkdir"));
      writeFileSync(join(d, "output", "kept.txt"), "kept");
    });
    const { entries, names, frame } = report(dir);
    expect(names).toEqual([RESULT_FILES.stdout, "output/kept.txt"]);
    expect(Buffer.concat(entries.map((e) => e.data)).toString()).not.toContain("SECRET");
    expect(frame).not.toContain(Buffer.from("SECRET").toString("base64").slice(0, 6));

    const linkedDirs = tree((d) => {
      symlinkSync(join(secret), join(d, "meta"));
      symlinkSync(join(secret), join(d, "output"));
    });
    expect(report(linkedDirs).names).toEqual([]);
  });

  itIf(runnerSkipReason, "a symbolic link as the results folder itself yields an empty archive, not its target", () => {
    const secret = tree((d) => meta(d, { "summary.json": "SECRET" }));
    const parent = tree((d) => symlinkSync(secret, join(d, "results")));
    expect(report(join(parent, "results")).names).toEqual([]);
  });

  itIf(runnerSkipReason, "FIFOs (which would block a reader) and sockets are skipped without waiting", () => {
    const dir = tree((d) => {
      meta(d, { "summary.json": "{}" });
      spawnSync("mkfifo", [join(d, "meta", "stdout.txt")]);
      mkdirSync(join(d, "output"));
      spawnSync("mkfifo", [join(d, "output", "pipe")]);
      const sock = join(d, "output", "socket");
      expect(spawnSync(process.execPath, ["-e", "require('net').createServer().listen(process.argv[1], () => process.exit(0))", sock]).status).toBe(0);
      expect(lstatSync(sock).isSocket()).toBe(true);
      writeFileSync(join(d, "output", "ok.txt"), "ok");
    });
    const started = Date.now();
    expect(report(dir).names).toEqual([RESULT_FILES.summary, "output/ok.txt"]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  itIf(runnerSkipReason ?? (asRoot ? undefined : "creating a device node needs root"), "device nodes are skipped, never opened", () => {
    const dir = tree((d) => {
      mkdirSync(join(d, "output"));
      // /dev/zero's numbers: reading it would never end.
      expect(spawnSync("mknod", [join(d, "output", "zero"), "c", "1", "5"]).status).toBe(0);
      meta(d, {});
      expect(spawnSync("mknod", [join(d, "meta", "stdout.txt"), "c", "1", "5"]).status).toBe(0);
    });
    expect(report(dir).names).toEqual([]);
  });

  itIf(runnerSkipReason, "caps: meta files at MAX_OUTPUT_LIMIT_BYTES, output files that do not fit are left out, at most MAX_OUTPUT_FILES files", () => {
    const dir = tree((d) => {
      meta(d, {
        "summary.json": "{}",
        "stdout.txt": Buffer.alloc(5 * MAX_OUTPUT_LIMIT_BYTES, "o"),
        "stderr.txt": Buffer.alloc(MAX_OUTPUT_LIMIT_BYTES + 1, "e"),
      });
      mkdirSync(join(d, "output"));
      // Sparse: a terabyte on paper, nothing on disk. Reading it whole would never finish.
      writeFileSync(join(d, "output", "huge.bin"), "");
      truncateSync(join(d, "output", "huge.bin"), 2 ** 40);
      writeFileSync(join(d, "output", "big.bin"), Buffer.alloc(MAX_OUTPUT_LIMIT_BYTES + 1));
      for (let i = 0; i < MAX_OUTPUT_FILES + 50; i++) writeFileSync(join(d, "output", `f${String(i).padStart(3, "0")}.txt`), "x");
    });
    const { entries, names, frame } = report(dir);
    expect(text(entries, RESULT_FILES.stdout)!.length).toBe(MAX_OUTPUT_LIMIT_BYTES);
    expect(text(entries, RESULT_FILES.stderr)!.length).toBe(MAX_OUTPUT_LIMIT_BYTES);
    expect(names).not.toContain("output/huge.bin");
    expect(names).not.toContain("output/big.bin");
    expect(names.filter((n) => n.startsWith("output/"))).toEqual(
      Array.from({ length: MAX_OUTPUT_FILES }, (_, i) => `output/f${String(i).padStart(3, "0")}.txt`),
    );
    expect(parseFrame(frame).length).toBeLessThanOrEqual(MAX_RESULT_PAYLOAD_BYTES);
  });

  itIf(runnerSkipReason, "the frame stays under MAX_FRAME_BYTES with every file at its cap", () => {
    const dir = tree((d) => {
      const full = Buffer.alloc(MAX_OUTPUT_LIMIT_BYTES, "z");
      meta(d, { "summary.json": Buffer.alloc(200_000, "s"), "stdout.txt": full, "stderr.txt": full, "compile.log": full });
      mkdirSync(join(d, "output"));
      for (let i = 0; i < MAX_OUTPUT_FILES; i++)
        writeFileSync(join(d, "output", `${"n".repeat(90)}${i}`), Buffer.alloc(Math.floor(MAX_OUTPUT_LIMIT_BYTES / MAX_OUTPUT_FILES), "q"));
    });
    const { frame, names } = report(dir);
    expect(frame.length).toBeLessThan(MAX_FRAME_BYTES);
    // The oversized summary (not the runner's: it writes a few hundred bytes) is dropped, not cut.
    expect(names).not.toContain(RESULT_FILES.summary);
    expect(names.filter((n) => n.startsWith("output/"))).toHaveLength(MAX_OUTPUT_FILES);
  });

  itIf(runnerSkipReason, "odd names: kept when the archive can carry them, skipped otherwise; never a path the parser rejects", () => {
    const dir = tree((d) => {
      mkdirSync(join(d, "output"));
      const ok = ["with space.txt", "ünïcødé-😀.txt", "-dash", "..dots..", "a\\b"];
      for (const n of ok) writeFileSync(join(d, "output", n), n);
      writeFileSync(join(d, "output", "new\nline"), "x");
      writeFileSync(join(d, "output", "tab\there"), "x");
      writeFileSync(Buffer.concat([Buffer.from(join(d, "output") + "/"), Buffer.from([0xff, 0xfe, 0x41])]) as unknown as string, "x");
      writeFileSync(join(d, "output", "x".repeat(200)), "long but one component: prefix/name split impossible");
      let deep = join(d, "output");
      for (let i = 0; i < 12; i++) {
        deep = join(deep, `d${i}`);
        mkdirSync(deep);
        writeFileSync(join(deep, "f.txt"), String(i));
      }
    });
    const { names } = report(dir);
    for (const n of ["with space.txt", "ünïcødé-😀.txt", "-dash", "..dots..", "a\\b"]) expect(names).toContain(`output/${n}`);
    expect(names.some((n) => /[\n\t\ufffd]/.test(n))).toBe(false);
    expect(names).not.toContain(`output/${"x".repeat(200)}`);
    // Folders deeper than the walk's bound are left out; shallower ones are kept.
    expect(names).toContain("output/d0/f.txt");
    expect(names.some((n) => n.includes("d11"))).toBe(false);
  });

  itIf(runnerSkipReason, "a hard link is read as the regular file it is", () => {
    const dir = tree((d) => {
      mkdirSync(join(d, "output"));
      writeFileSync(join(d, "output", "a.txt"), "same");
      linkSync(join(d, "output", "a.txt"), join(d, "output", "b.txt"));
    });
    const { entries } = report(dir);
    expect(text(entries, "output/b.txt")).toBe("same");
  });

  itIf(runnerSkipReason, "an unreadable file is skipped, the rest still reported", () => {
    const dir = tree((d) => {
      chmodSync(d, 0o755);
      mkdirSync(join(d, "output"));
      writeFileSync(join(d, "output", "locked.txt"), "x");
      chmodSync(join(d, "output", "locked.txt"), 0);
      writeFileSync(join(d, "output", "open.txt"), "y");
    });
    // Root reads any file: as root, report as nobody.
    expect(report(dir, asRoot ? 65534 : undefined).names).toEqual(["output/open.txt"]);
  });

  itIf(runnerSkipReason, "a missing results folder still yields one valid, empty frame", () => {
    expect(report(join(tmpdir(), "runner-report-does-not-exist")).names).toEqual([]);
  });
});

describe("faas-runner refuses to run a job outside a container", () => {
  itIf(runnerSkipReason, "run mode insists on being PID 1 (it kills every other process it can)", () => {
    const r = runRunner(["run"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PID 1/);
    expect(r.stdout.length).toBe(0);
  });

  itIf(runnerSkipReason, "unknown modes print the usage", () => {
    const r = runRunner(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: faas-runner run/);
  });
});
