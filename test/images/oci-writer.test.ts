/** The tar and OCI writers: what they write parses back, digests agree, same input → same bytes. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, it } from "@jest/globals";
import { compressLayer, CONTAINERD_NAME_ANNOTATION, MEDIA_TYPES, OCI_REF_ANNOTATION, writeOciArchive } from "../../images/lib/oci";
import { tarBuffer, type TarEntry } from "../../images/lib/tar";
import { readTarEntries } from "../../images/lib/tar-read";

const dir = mkdtempSync(join(tmpdir(), "oci-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const MTIME = 1735689600;
const longDir = `app/${"deep-directory-name/".repeat(8)}`;
const ENTRIES: TarEntry[] = [
  { type: "dir", path: "app", mode: 0o755 },
  { type: "file", path: "app/main.js", mode: 0o644, data: Buffer.from("console.log('hi')\n") },
  { type: "file", path: "app/run.sh", mode: 0o755, data: Buffer.alloc(1000, 7), uid: 1000, gid: 1000 },
  { type: "symlink", path: "app/current", target: "main.js" },
  // 160+ characters: no ustar prefix split fits, so a PAX header carries it.
  { type: "file", path: `${longDir}${"x".repeat(120)}.js`, mode: 0o644, data: Buffer.from("long") },
  { type: "symlink", path: "app/far", target: `/${"t".repeat(150)}` },
  { type: "file", path: "app/ñandú.txt", mode: 0o644, data: Buffer.from("utf8 name") },
];

function layerFile(name: string, entries: TarEntry[]): string {
  const path = join(dir, name);
  writeFileSync(path, tarBuffer(entries, MTIME));
  return path;
}

describe("tar writer", () => {
  it("writes entries that read back with their names, types, modes, owners, links and content", () => {
    const read = readTarEntries(tarBuffer(ENTRIES, MTIME));
    assert.deepEqual(
      read.map((e) => [e.path, e.type, e.mode, e.uid, e.linkname]),
      [
        ["app/", "5", 0o755, 0, ""],
        ["app/main.js", "0", 0o644, 0, ""],
        ["app/run.sh", "0", 0o755, 1000, ""],
        ["app/current", "2", 0o777, 0, "main.js"],
        [`${longDir}${"x".repeat(120)}.js`, "0", 0o644, 0, ""],
        ["app/far", "2", 0o777, 0, `/${"t".repeat(150)}`],
        ["app/ñandú.txt", "0", 0o644, 0, ""],
      ],
    );
    assert.equal(read[2]!.data.length, 1000);
    assert.equal(read[1]!.data.toString(), "console.log('hi')\n");
    for (const e of read) assert.equal(e.mtime, MTIME, `${e.path} has the fixed mtime`);
  });

  it("uses plain ustar headers when names fit and the ustar prefix field for 100–255 character paths", () => {
    const mid = `${"d".repeat(90)}/${"f".repeat(90)}`;
    const buf = tarBuffer([{ type: "file", path: mid, mode: 0o644, data: Buffer.from("x") }], MTIME);
    const [e] = readTarEntries(buf);
    assert.equal(e!.path, mid);
    assert.equal(e!.header.subarray(257, 263).toString("latin1"), "ustar\0");
    assert.equal(e!.header[156], "0".charCodeAt(0), "no PAX header was needed");
    assert.equal(buf.length, 512 + 512 + 1024, "header, one data block, two end blocks");
  });

  it("is deterministic: same entries, same bytes; a changed mode changes them", () => {
    const a = tarBuffer(ENTRIES, MTIME);
    assert.deepEqual(tarBuffer(ENTRIES, MTIME), a);
    const changed = ENTRIES.map((e) => (e.path === "app/main.js" ? { ...e, mode: 0o600 } : e));
    assert.notDeepEqual(tarBuffer(changed, MTIME), a);
  });

  it("is read the same way by GNU tar (long names through PAX, UTF-8 names, symlink targets)", () => {
    const file = layerFile("gnu.tar", ENTRIES);
    const r = spawnSync("tar", ["--list", "--verbose", "--numeric-owner", "-f", file], {
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "C.UTF-8", TZ: "UTC" },
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, ENTRIES.length);
    assert.match(lines[2]!, /^-rwxr-xr-x 1000\/1000 +1000 2025-01-01 00:00 app\/run\.sh$/);
    assert.ok(lines[4]!.endsWith(`${longDir}${"x".repeat(120)}.js`), lines[4]);
    assert.ok(lines[5]!.endsWith(`app/far -> /${"t".repeat(150)}`), lines[5]);
    assert.ok(lines[6]!.endsWith("app/ñandú.txt"), lines[6]);
  });

  it("rejects paths that escape the archive root", () => {
    assert.throws(() => tarBuffer([{ type: "file", path: "../etc/passwd", mode: 0o644, data: Buffer.alloc(0) }], MTIME), /invalid entry path/);
  });
});

describe("OCI archive", () => {
  const reference = "192.168.60.30:5000/clusterkit/test-app:0123456789abcdef0123";
  const config = {
    user: "1000:1000",
    env: ["PATH=/usr/local/bin:/usr/bin:/bin"],
    entrypoint: ["/usr/local/bin/node", "/app/main.js"],
    workingDir: "/app",
    labels: { b: "2", a: "1" },
  };

  async function build(name: string) {
    const l1 = await compressLayer(layerFile(`${name}-1.tar`, ENTRIES), join(dir, `${name}-1.tar.gz`));
    const l2 = await compressLayer(
      layerFile(`${name}-2.tar`, [{ type: "file", path: "etc/x", mode: 0o644, data: Buffer.from(name.startsWith("other") ? "other" : "same") }]),
      join(dir, `${name}-2.tar.gz`),
    );
    const layers = [
      { ...l1, createdBy: "rootfs" },
      { ...l2, createdBy: "app", comment: "app" },
    ];
    const archive = join(dir, `${name}.tar`);
    return { written: writeOciArchive(archive, { reference, config, layers, created: MTIME }), archive, layers };
  }

  it("holds oci-layout, index.json, manifest.json and blobs whose names are their digests", async () => {
    const { written, archive, layers } = await build("one");
    const entries = new Map(readTarEntries(readFileSync(archive)).map((e) => [e.path, e]));
    const json = (p: string) => JSON.parse(entries.get(p)!.data.toString("utf8"));
    assert.deepEqual(json("oci-layout"), { imageLayoutVersion: "1.0.0" });
    for (const [path, e] of entries) {
      if (path.startsWith("blobs/sha256/") && e.type === "0")
        assert.equal(sha(e.data), `sha256:${path.slice("blobs/sha256/".length)}`, `${path} is named by its digest`);
    }
    const index = json("index.json");
    assert.equal(index.mediaType, MEDIA_TYPES.index);
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, written.digest);
    assert.equal(index.manifests[0].annotations[CONTAINERD_NAME_ANNOTATION], reference);
    assert.equal(index.manifests[0].annotations[OCI_REF_ANNOTATION], reference);
    const manifestBlob = entries.get(`blobs/sha256/${written.digest.slice(7)}`)!.data;
    assert.equal(index.manifests[0].size, manifestBlob.length);
    const manifest = JSON.parse(manifestBlob.toString());
    assert.equal(manifest.config.digest, written.configDigest);
    assert.deepEqual(
      manifest.layers.map((l: { digest: string; mediaType: string }) => [l.digest, l.mediaType]),
      layers.map((l) => [l.digest, MEDIA_TYPES.layerGzip]),
    );

    const cfg = JSON.parse(entries.get(`blobs/sha256/${written.configDigest.slice(7)}`)!.data.toString());
    assert.equal(cfg.created, "2025-01-01T00:00:00Z");
    assert.equal(cfg.config.User, "1000:1000");
    assert.deepEqual(cfg.config.Entrypoint, config.entrypoint);
    assert.deepEqual(Object.keys(cfg.config.Labels), ["a", "b"], "labels in a fixed order");
    assert.deepEqual(
      cfg.history.map((h: { created_by: string }) => h.created_by),
      ["rootfs", "app"],
    );
    // diff_ids are the digests of the uncompressed layers; the blobs are their gzip.
    for (const [i, l] of manifest.layers.entries()) {
      const blob = entries.get(`blobs/sha256/${l.digest.slice(7)}`)!.data;
      assert.equal(blob.length, l.size);
      assert.deepEqual([...blob.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], "gzip header: no name, mtime 0, OS unix");
      assert.equal(sha(gunzipSync(blob)), cfg.rootfs.diff_ids[i]);
    }
    // docker's manifest.json points at the same config and layer blobs, and names the image.
    const [docker] = json("manifest.json");
    assert.equal(docker.Config, `blobs/sha256/${written.configDigest.slice(7)}`);
    assert.deepEqual(
      docker.Layers,
      manifest.layers.map((l: { digest: string }) => `blobs/sha256/${l.digest.slice(7)}`),
    );
    assert.deepEqual(docker.RepoTags, [reference]);
    for (const p of [docker.Config, ...docker.Layers]) assert.ok(entries.has(p), `${p} is in the archive`);
    assert.equal(written.archiveSize, readFileSync(archive).length);
  });

  it("gives the same digests and bytes for the same inputs, and other digests for other content", async () => {
    const a = await build("same-a");
    const b = await build("same-b");
    assert.equal(a.written.digest, b.written.digest);
    assert.deepEqual(readFileSync(a.archive), readFileSync(b.archive));
    const c = await build("other-c");
    assert.notEqual(c.written.digest, a.written.digest);
    assert.equal(c.layers[0]!.digest, a.layers[0]!.digest, "the unchanged layer keeps its digest");
  });

  it("refuses a reference without a tag", () => {
    assert.throws(() => writeOciArchive(join(dir, "x.tar"), { reference: "registry/clusterkit/x", config, layers: [], created: MTIME }), /has no tag/);
  });
});
