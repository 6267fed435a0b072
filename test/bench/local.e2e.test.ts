/**
 * `npm run bench:runtimes -- --local` for real (slow tier): builds the benchmark's images with the
 * repository's image build, runs every application under runC and gVisor with podman at small
 * sizes, and checks what it printed and wrote: numbers for runC and gVisor, Kata "not available
 * here" (this machine has no KVM), JSON that parses and an SVG that renders.
 */
import { afterAll, describe, expect } from "@jest/globals";
import { Resvg } from "@resvg/resvg-js";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { METRICS } from "../../src/bench/apps";
import { kvmUnavailable } from "../../src/bench/kvm";
import { NOT_AVAILABLE } from "../../src/bench/report";
import type { BenchResult } from "../../src/bench/result";
import { PROJECT_ROOT } from "../support/cli";
import { itIf, missingTools } from "../support/requires";

const skip =
  missingTools(["podman", "runc", "runsc"], "apt-get install podman runc; runsc from bookworm-backports") ??
  missingTools(["mmdebstrap", "dpkg-deb", "apt-get"], "apt-get install mmdebstrap") ??
  (process.getuid?.() === 0 ? undefined : "needs root (podman with gVisor, mmdebstrap root mode)");

const work = mkdtempSync(join(tmpdir(), "clusterkit-bench-e2e-"));
// Under /tmp itself: podman refuses a runroot (here <root>/run) longer than 50 characters.
const podmanRoot = mkdtempSync("/tmp/ck-bench-");
const out = join(work, "out");

afterAll(() => {
  // The run removed its containers; drop the loaded images, then the private storage.
  if (existsSync(podmanRoot))
    spawnSync(
      "podman",
      ["--root", podmanRoot, "--runroot", join(podmanRoot, "run"), "--cgroup-manager=cgroupfs", "--events-backend=file", "system", "reset", "--force"],
      { stdio: "ignore" },
    );
  rmSync(podmanRoot, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("bench:runtimes --local (real containers)", () => {
  itIf(skip, "runs the three applications and container start under runC and gVisor; Kata is not available here", () => {
    const build = spawnSync("npm", ["run", "-s", "images", "--", "build", "bench-cpu", "bench-io", "bench-net"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 25 * 60_000,
    });
    expect({ status: build.status, tail: build.status === 0 ? "" : `${build.stdout}${build.stderr}`.slice(-2000) }).toEqual({ status: 0, tail: "" });

    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(PROJECT_ROOT, "scripts/bench-runtimes.ts"),
        "--local",
        "--quick",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--podman-root",
        podmanRoot,
        "--out",
        out,
      ],
      { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 20 * 60_000 },
    );
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr.slice(-3000) }).toEqual({ status: 0, stderr: "" });
    process.stdout.write(`bench:runtimes --local --quick --repeat 2 took ${((Date.now() - started) / 1000).toFixed(0)} s\n${run.stdout}\n`);

    const result = JSON.parse(readFileSync(join(out, "runtimes-bench.json"), "utf8")) as BenchResult;
    expect(result.schema).toBe("clusterkit.bench.runtimes/v1");
    expect(result.target).toBe("local-machine");
    expect(result.failures).toEqual({});
    expect(result.runtimes.map((s) => [s.runtime, s.available])).toEqual([
      ["runc", true],
      ["gvisor", true],
      ["kata", !kvmUnavailable()],
    ]);
    for (const m of METRICS) {
      for (const r of ["runc", "gvisor"] as const) {
        const s = result.metrics[m.id]?.[r];
        expect({ metric: m.id, runtime: r, n: s?.n, positive: (s?.median ?? 0) > 0 }).toEqual({ metric: m.id, runtime: r, n: 2, positive: true });
      }
    }
    // The machine is on record next to the figures.
    expect(result.machine.facts.cpu).toMatch(/×/);
    expect(result.runtimes.find((s) => s.runtime === "gvisor")!.detail).toMatch(/runsc.*systrap/);

    if (kvmUnavailable()) {
      // Kata's column: every metric row ends with the words, never a number.
      const rows = run.stdout.split("\n").filter((l) => METRICS.some((m) => l.startsWith(m.label)));
      expect(rows).toHaveLength(METRICS.length);
      for (const row of rows) expect(row.trimEnd().endsWith(NOT_AVAILABLE)).toBe(true);
      for (const m of METRICS) expect(result.metrics[m.id]?.kata).toBeUndefined();
    }
    const svg = readFileSync(join(out, "runtimes-bench.svg"), "utf8");
    expect(new Resvg(svg).render().width).toBeGreaterThan(600);
    expect((svg.match(/data-runtime="gvisor" data-ratio=/g) ?? []).length).toBe(METRICS.length);
  });
});
