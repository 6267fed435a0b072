/**
 * Turning a report log into a final record and zip, without NATS or an API server: the zip is
 * byte-for-byte reproducible (a retried collection stores the same object), previews are capped,
 * and an archive that tries to escape its folder is no result at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import type { V1Pod } from "@kubernetes/client-node";
import { encodeFrame } from "../../service/contract/frame";
import type { JobRecord } from "../../service/contract/job";
import { collect, PREVIEW_BYTES } from "../../service/middleware/result";
import { buildZip } from "../../service/middleware/zip";
import { resultFrame, summary, ustar } from "../support/result-frame";
import { unzip } from "../support/unzip";

const record: JobRecord = {
  id: "01m8s1nb968tyc2rr476g4k13r",
  userId: "u" + "0".repeat(32),
  email: "a@b.c",
  language: "c",
  status: "running",
  files: [{ name: "main.c", size: 10 }],
  submittedAt: "2026-01-01T00:00:00.000Z",
};
const pod: V1Pod = {
  metadata: { name: "job-x" },
  status: {
    phase: "Succeeded",
    containerStatuses: [
      {
        name: "report",
        image: "",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 0, finishedAt: new Date("2026-01-01T00:00:05Z") } },
      },
    ],
  },
};

describe("collecting a result", () => {
  it("writes the same zip bytes for the same result, whenever it is collected", () => {
    const log = resultFrame({ summary: summary({ language: "c", outcome: "ok" }), stdout: "hi\n", outputs: { "a.bin": Buffer.alloc(1000, 1) } });
    const a = collect({ record, pod, log, finishedAt: "2026-01-01T00:00:05.000Z" });
    const b = collect({ record, pod, log, finishedAt: "2026-01-01T00:00:05.000Z" });
    assert.ok(a.zip && b.zip && a.zip.equals(b.zip));
    assert.equal(a.result.zip?.sha256, b.result.zip?.sha256);
    assert.deepEqual([...unzip(a.zip).keys()], ["stdout.txt", "stderr.txt", "build.log", "summary.json", "output/a.bin"]);
    assert.ok(buildZip([{ name: "x", data: Buffer.from("1") }]).equals(buildZip([{ name: "x", data: Buffer.from("1") }])));
  });

  it("keeps at most PREVIEW_BYTES of each stream in the record, everything in the zip", () => {
    const big = "x".repeat(PREVIEW_BYTES * 3);
    const c = collect({ record, pod, log: resultFrame({ summary: summary({ language: "c", outcome: "ok" }), stdout: big }), finishedAt: "t" });
    assert.equal(c.result.stdout.length, PREVIEW_BYTES);
    assert.equal(unzip(c.zip!).get("stdout.txt")!.length, big.length);
  });

  it("treats an archive with a path outside its folder as no result", () => {
    const escape = encodeFrame(
      ustar([
        { name: "meta/summary.json", data: Buffer.from(JSON.stringify(summary({ language: "c", outcome: "ok" }))) },
        { name: "output/../../etc/passwd", data: Buffer.from("x") },
      ]),
    );
    const c = collect({ record, pod, log: escape, finishedAt: "t" });
    assert.equal(c.state.status, "failed");
    assert.match(c.state.error ?? "", /not a plain relative path/);
    assert.throws(() => buildZip([{ name: "../x", data: Buffer.alloc(0) }]), /not a plain relative path/);
  });

  it("refuses a summary that is not the runner's", () => {
    const fake = encodeFrame(ustar([{ name: "meta/summary.json", data: Buffer.from('{"outcome":"ok"}') }]));
    const c = collect({ record, pod, log: fake, finishedAt: "t" });
    assert.equal(c.state.status, "failed");
    assert.match(c.state.error ?? "", /not a version-1 runner summary/);
  });
});
