/**
 * `npm run bench:faas` for real, with the smallest counts: it runs the service and the bare
 * containers under every runtime installed here and writes results that parse, with a gVisor row
 * exactly when runsc is available.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "@jest/globals";
import { executorImagesSkipReason } from "../support/executor-images";
import { containerSkipReason } from "../support/podman-env";
import { itIf, missingTools } from "../support/requires";

const ROOT = join(__dirname, "..", "..");
const skip = missingTools(["nats-server", "podman", "openssl"], "apt-get install nats-server podman openssl") ?? executorImagesSkipReason();

describe("npm run bench:faas", () => {
  itIf(skip, "times C jobs through the service and bare, and the throughput, per available runtime", () => {
    const dir = mkdtempSync(join(tmpdir(), "clusterkit-bench-faas-"));
    try {
      const out = join(dir, "faas.json");
      const r = spawnSync(
        join(ROOT, "node_modules", ".bin", "tsx"),
        ["scripts/bench-faas.ts", "--runs", "1", "--languages", "c", "--throughput-jobs", "2", "--concurrency", "2", "--json", out],
        { cwd: ROOT, encoding: "utf8", timeout: 20 * 60_000 },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const result = JSON.parse(readFileSync(out, "utf8"));
      const available = ["runc", "runsc"].filter((rt) => !containerSkipReason(rt as "runc" | "runsc"));
      assert.deepEqual(
        result.rows.map((row: { runtime: string }) => row.runtime),
        available,
      );
      for (const row of result.rows) {
        assert.equal(row.language, "c");
        assert.ok(row.service.medianMs > row.bare.medianMs * 0.5, "the service time includes a real run");
        assert.ok(row.bare.medianMs > 0);
      }
      assert.deepEqual(
        result.throughput.map((t: { runtime: string }) => t.runtime),
        available,
      );
      assert.ok(result.throughput.every((t: { jobsPerMinute: number }) => t.jobsPerMinute > 0));
      assert.match(r.stdout, /\| c \| runc \| \d+ ms \| \d+ ms \| \d+ ms \| [\d.]+× \|/);
      if (!available.includes("runsc")) assert.match(r.stdout, /\| c \| gVisor \| not available here/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
