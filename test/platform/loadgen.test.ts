/** The load generator against a tiny HTTP server on the loopback interface (nothing leaves 127.0.0.1). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { MAXIMA, UsageError, formatSummary, parseArgs, percentile, runLoad } from "../../scripts/loadgen";
import { PROJECT_ROOT } from "../support/cli";

let server: Server;
let base: string;
let served = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    served++;
    const n = served;
    if (req.url === "/slow") {
      setTimeout(() => res.end("slow"), 300);
      return;
    }
    if (req.url === "/body") {
      // No header: the pod name only in the page, as a fallback.
      res.end(`<h1>Served by pod <span id="pod-name">web-body-${n % 3}</span></h1>`);
      return;
    }
    res.statusCode = n % 5 === 0 ? 503 : 200;
    res.setHeader("X-Served-By", `web-${n % 2 === 0 ? "a" : "b"}`);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("loadgen", () => {
  it("parses bounded flags with defaults and refuses values past the hard maxima", () => {
    const o = parseArgs(["http://127.0.0.1/", "--requests", "50", "--concurrency=5", "--duration", "3"]);
    assert.equal(o.requests, 50);
    assert.equal(o.concurrency, 5);
    assert.equal(o.durationSeconds, 3);
    const d = parseArgs(["http://127.0.0.1/"]);
    assert.ok(d.requests > 0 && d.requests <= MAXIMA.requests && d.durationSeconds <= MAXIMA.durationSeconds);
    assert.equal(parseArgs(["http://x/", "--requests", "3", "--concurrency", "50"]).concurrency, 3, "never more workers than requests");
    assert.throws(() => parseArgs(["http://x/", "--requests", String(MAXIMA.requests + 1)]), UsageError);
    assert.throws(() => parseArgs(["http://x/", "--concurrency", String(MAXIMA.concurrency + 1)]), UsageError);
    assert.throws(() => parseArgs(["http://x/", "--duration", "0"]), UsageError);
    assert.throws(() => parseArgs(["http://x/", "--requests", "ten"]), UsageError);
    assert.throws(() => parseArgs(["ftp://x/"]), UsageError);
    assert.throws(() => parseArgs([]), /URL to load is required/);
    assert.throws(() => parseArgs(["http://x/", "--forever"]), /unknown option/);
  });

  it("percentile is nearest-rank", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(v, 50), 50);
    assert.equal(percentile(v, 95), 95);
    assert.equal(percentile([7], 95), 7);
  });

  it("sends exactly the requested count and reports statuses, latency and distinct pods", async () => {
    served = 0;
    const s = await runLoad(parseArgs([`${base}/`, "--requests", "40", "--concurrency", "4", "--duration", "20"]));
    assert.equal(s.requests, 40);
    assert.equal(served, 40, "the server saw exactly 40 requests");
    assert.equal(s.errors, 0);
    assert.deepEqual(s.statusCounts, { 200: 32, 503: 8 });
    assert.deepEqual(Object.keys(s.pods).sort(), ["web-a", "web-b"]);
    assert.equal(s.pods["web-a"]! + s.pods["web-b"]!, 40);
    assert.equal(s.stoppedBy, "requests");
    assert.ok(s.latency && s.latency.p50 <= s.latency.p95 && s.latency.p95 <= s.latency.max);
    const text = formatSummary(s);
    assert.match(text, /requests: +40 /);
    assert.match(text, /status: +200=32 503=8/);
    assert.match(text, /pods: +2 \(web-a=\d+ web-b=\d+\)/);
    assert.match(text, /p50 [\d.]+ ms, p95 [\d.]+ ms/);
  });

  it("finds the pod name in the page when there is no header", async () => {
    const s = await runLoad(parseArgs([`${base}/body`, "--requests", "9", "--concurrency", "3"]));
    assert.deepEqual(Object.keys(s.pods).sort(), ["web-body-0", "web-body-1", "web-body-2"]);
  });

  it("stops by itself at the duration bound", async () => {
    const t0 = Date.now();
    const s = await runLoad(parseArgs([`${base}/slow`, "--requests", "10000", "--concurrency", "2", "--duration", "1"]));
    const elapsed = (Date.now() - t0) / 1000;
    assert.equal(s.stoppedBy, "duration");
    assert.ok(s.requests < 20, `${s.requests} requests in 1 s at 300 ms each and concurrency 2`);
    // Generous for a loaded CI machine; without the bound this run would take about 25 minutes.
    assert.ok(elapsed < 6, `stopped after ${elapsed} s`);
  });

  it("counts connection errors instead of crashing, and the CLI exits 1 when nothing answered", async () => {
    // A loopback port nothing listens on: bind an ephemeral port, read it, close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(PROJECT_ROOT, "scripts", "loadgen.ts"),
        `http://127.0.0.1:${port}/`,
        "--requests",
        "3",
        "--concurrency",
        "1",
        "--duration",
        "5",
        "--timeout",
        "2",
      ],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /errors: +3 \(ECONNREFUSED=3\)/);
    assert.match(r.stdout, /latency: +n\/a/);
  });

  it("the CLI prints usage and exits 2 on a bad flag", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "loadgen.ts"), "http://127.0.0.1/", "--concurrency", "100000"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--concurrency must be between 1 and 200/);
    assert.match(r.stderr, /usage: loadgen/);
  });
});
