/**
 * `npm run box` for real on this machine: a local HTTP server serves a small generated qcow2 disk
 * (compressed, like Canonical's) with its SHA-256; the builder downloads, verifies, converts with
 * qemu-img and packs it, and the box is then unpacked with the system's tar, as the provider does.
 * No test reaches the internet.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ensureBox, imageCachePath } from "../../src/box/build";
import { checkBox } from "../../src/box/check";
import { httpOpen } from "../../src/box/download";
import { identifyDisk } from "../../src/box/disk-format";
import { readManifest } from "../../src/box/manifest";
import { listTar, readAt, writeTar } from "../../src/box/tar";
import type { BaseImage } from "../../src/config/base-image";
import { memoryReporter } from "../../src/deploy/reporter";
import { processRunner, type Runner } from "../../src/deploy/runner";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { itIf, missingTools } from "../support/requires";
import { writeTestBox } from "../support/box";

const NEED = missingTools(["qemu-img", "tar"], "Debian: apt-get install qemu-utils tar");

interface Served {
  readonly base: string;
  /** Requests per path. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `routes` on 127.0.0.1; each handler answers one request. */
async function serve(routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>): Promise<Served> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    const route = routes[req.url ?? ""];
    if (route) route(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let raw: string;
let qcow2: Buffer;
let server: Served;

beforeAll(async () => {
  if (NEED) return;
  // 4 MiB of recognisable data at the start of an 8 MiB disk, compressed qcow2 like the cloud image.
  const dir = scratchDir("clusterkit-image-");
  raw = join(dir, "disk.raw");
  const data = Buffer.alloc(8 * 2 ** 20, 0);
  for (let i = 0; i < 4 * 2 ** 20; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
  writeFileSync(raw, data);
  const img = join(dir, "disk.qcow2");
  const r = spawnSync("qemu-img", ["convert", "-c", "-f", "raw", "-O", "qcow2", raw, img], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  qcow2 = readFileSync(img);
  server = await serve({
    "/good.img": (_req, res) => res.writeHead(200, { "content-length": qcow2.length }).end(qcow2),
    // Announces the full length, sends half, then drops the connection.
    "/truncated.img": (_req, res) => {
      res.writeHead(200, { "content-length": qcow2.length });
      res.write(qcow2.subarray(0, qcow2.length >> 1), () => res.socket?.destroy());
    },
    "/other.img": (_req, res) => res.end(Buffer.concat([qcow2, Buffer.from("tampered")])),
  });
});

afterAll(async () => {
  await server?.close();
});

function image(over: Partial<BaseImage> = {}): BaseImage {
  return { id: "test-noble", description: "test image", urls: [`${server.base}/good.img`], sha256: sha256(qcow2), format: "qcow2", diskGiB: 1, ...over };
}

function build(root: string, over: Partial<Parameters<typeof ensureBox>[0]> = {}) {
  const reporter = memoryReporter();
  const promise = ensureBox({
    root,
    boxPath: "boxes/test-noble-vbox.box",
    image: image(),
    runner: processRunner,
    open: httpOpen,
    reporter,
    env: process.env,
    converter: "qemu-img",
    ...over,
  });
  return { promise, reporter };
}

/** Files left in the download cache folder. */
function cacheListing(root: string): string[] {
  const dir = join(root, ".cache", "images");
  return existsSync(dir) ? [...readdirSync(dir)] : [];
}

describe("npm run box: building the box", () => {
  itIf(NEED, "downloads, verifies, converts to a 1 GiB VDI and packs a tar archive the system's tar unpacks to the same disk", async () => {
    const root = scratchDir();
    const { promise } = build(root);
    const result = await promise;
    assert.equal(result.built, true);
    assert.equal(result.downloaded, true);
    const file = join(root, "boxes/test-noble-vbox.box");
    const entries = listTar(file);
    assert.deepEqual(
      entries.map((e) => e.name),
      ["test-noble.vdi"],
    );
    assert.deepEqual(identifyDisk(readAt(file, entries[0]!.offset, 512)), { format: "vdi", virtualBytes: 2 ** 30 });

    // The provider runs `tar -xf`; the disk it gets must hold the image's data, grown to 1 GiB.
    const out = scratchDir("clusterkit-unpack-");
    const tar = spawnSync("tar", ["-xf", file, "-C", out], { encoding: "utf8" });
    assert.equal(tar.status, 0, tar.stderr);
    const compare = spawnSync("qemu-img", ["compare", "-f", "raw", "-F", "vdi", raw, join(out, "test-noble.vdi")], { encoding: "utf8" });
    assert.equal(compare.status, 0, `${compare.stdout}${compare.stderr}`);

    const manifest = readManifest(file)!;
    assert.equal(manifest.box.bytes, statSync(file).size);
    assert.equal(manifest.box.sha256, sha256(readFileSync(file)));
    assert.equal(manifest.source.sha256, sha256(qcow2));
    assert.equal(manifest.source.url, `${server.base}/good.img`);
    assert.equal(manifest.convertedWith, "qemu-img");
    assert.deepEqual((await checkBox(file, "boxes/test-noble-vbox.box")).problems, []);
    assert.deepEqual(cacheListing(root), ["test-noble.qcow2"], "the verified download is kept, no partial file");
  });

  itIf(NEED, "a re-run downloads nothing: the box is verified and left alone; without the box, the kept download is reused", async () => {
    const root = scratchDir();
    await build(root).promise;
    const hits = server.hits.get("/good.img");
    const box = join(root, "boxes/test-noble-vbox.box");
    const before = readFileSync(box);

    const again = build(root);
    assert.deepEqual(await again.promise, { built: false, downloaded: false, file: box });
    assert.ok(
      again.reporter.lines.some((l) => /is in place and verified .*; nothing to do/.test(l)),
      again.reporter.lines.join("\n"),
    );
    assert.ok(before.equals(readFileSync(box)), "box untouched");

    rmSync(box);
    const rebuilt = await build(root).promise;
    assert.equal(rebuilt.built, true);
    assert.equal(rebuilt.downloaded, false);
    assert.equal(server.hits.get("/good.img"), hits, "no request reached the server after the first build");
  });

  itIf(NEED, "refuses a download whose SHA-256 differs from the pin, keeping nothing", async () => {
    const root = scratchDir();
    const wrong = "0".repeat(64);
    await expect(build(root, { image: image({ sha256: wrong }) }).promise).rejects.toThrow(
      /does not match its pinned SHA-256[\s\S]*expected 0{64}[\s\S]*actual   [0-9a-f]{64}/,
    );
    assert.deepEqual(cacheListing(root), [], "neither the download nor a partial file is kept");
    assert.equal(existsSync(join(root, "boxes/test-noble-vbox.box")), false);
  });

  itIf(NEED, "refuses a truncated download and leaves nothing behind; with a second address it takes the good copy", async () => {
    const root = scratchDir();
    const truncated = build(root, { image: image({ urls: [`${server.base}/truncated.img`] }) }).promise;
    await expect(truncated).rejects.toThrow(
      /could not download test image; nothing was kept:[\s\S]*truncated\.img: (the download broke off after \d+ bytes of \d+|the download is truncated)/,
    );
    assert.deepEqual(cacheListing(root), []);
    assert.equal(existsSync(join(root, "boxes")) && readdirSync(join(root, "boxes")).length > 0, false, "no box and no work folder");

    const fallback = await build(root, { image: image({ urls: [`${server.base}/truncated.img`, `${server.base}/good.img`] }) }).promise;
    assert.equal(fallback.built, true);
    assert.equal(readManifest(fallback.file)!.source.url, `${server.base}/good.img`);
  });

  itIf(NEED, "refuses other bytes served without a length (no truncation to detect) by their hash", async () => {
    const root = scratchDir();
    await expect(build(root, { image: image({ urls: [`${server.base}/other.img`] }) }).promise).rejects.toThrow(UserError);
    assert.deepEqual(cacheListing(root), []);
  });

  itIf(NEED, "where qemu-img is absent, converts with VBoxManage (clone to VDI, resize) and unregisters both media again", async () => {
    const root = scratchDir();
    const calls: string[][] = [];
    // VBoxManage is not installed here: stand in for it with qemu-img doing what each subcommand does.
    const vbox: Runner = {
      async run(cmd, args, opts) {
        calls.push([cmd, ...args]);
        if (cmd !== "VBoxManage") return processRunner.run(cmd, args, opts);
        const [verb, , a, b, c] = args;
        if (verb === "clonemedium") return processRunner.run("qemu-img", ["convert", "-O", "vdi", a!, b!]);
        if (verb === "modifymedium") {
          const tmp = `${a}.grow.qcow2`;
          for (const step of [
            ["convert", "-O", "qcow2", a!, tmp],
            ["resize", "-q", tmp, `${c}M`],
            ["convert", "-O", "vdi", tmp, a!],
          ]) {
            const r = await processRunner.run("qemu-img", step);
            if (r.code !== 0) return r;
          }
          return { code: 0, stdout: "", stderr: "" };
        }
        return { code: 0, stdout: "", stderr: "" };
      },
    };
    const result = await build(root, { converter: "VBoxManage", runner: vbox }).promise;
    assert.equal(result.built, true);
    const verbs = calls.filter((c) => c[0] === "VBoxManage").map((c) => `${c[1]} ${c[2]}`);
    assert.deepEqual(verbs, ["clonemedium disk", "modifymedium disk", "closemedium disk", "closemedium disk"]);
    const clone = calls.find((c) => c[1] === "clonemedium")!;
    assert.deepEqual(clone.slice(-2), ["--format", "VDI"]);
    assert.deepEqual(calls.find((c) => c[1] === "modifymedium")!.slice(-2), ["--resize", "1024"]);
    assert.equal(readManifest(result.file)!.convertedWith, "VBoxManage");
    assert.deepEqual((await checkBox(result.file, "box")).problems, []);
  });
});

describe("checking a box (what preflight runs)", () => {
  itIf(NEED, "refuses a text file named like the box, and ensureBox leaves it untouched", async () => {
    const root = scratchDir();
    const file = join(root, "boxes/test-noble-vbox.box");
    mkdirSync(join(root, "boxes"));
    writeFileSync(file, "not a real box\n".repeat(100));
    const check = await checkBox(file, "boxes/test-noble-vbox.box");
    assert.equal(check.problems.length, 1);
    assert.match(check.problems[0]!, /base box boxes\/test-noble-vbox\.box is not usable: not a tar archive .*; rebuild it with `npm run box -- --force`/);
    await expect(build(root).promise).rejects.toThrow(/exists but is not a usable box; nothing was changed/);
    assert.equal(readFileSync(file, "utf8"), "not a real box\n".repeat(100));
  });

  itIf(NEED, "refuses a box cut short or changed since it was built, by the size and SHA-256 recorded then", async () => {
    const root = scratchDir();
    const { file } = await build(root).promise;
    const bytes = statSync(file).size;
    const content = readFileSync(file);
    content[content.length - 2048] ^= 0xff; // inside the end-of-archive padding: still a valid tar
    writeFileSync(file, content);
    assert.match((await checkBox(file, "b.box")).problems.join("\n"), /changed since it was built: SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}/);
    truncateSync(file, bytes - 1024);
    assert.match((await checkBox(file, "b.box")).problems.join("\n"), new RegExp(`is ${bytes - 1024} bytes, but ${bytes} when it was built`));
  });

  itIf(NEED, "refuses a disk whose header is not what its name says, an archive without a disk, and a second cidata disk", async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "disk.vdi"), "plain text, not a disk".padEnd(1024, "."));
    await writeTar(join(dir, "fake.box"), [join(dir, "disk.vdi")]);
    assert.match((await checkBox(join(dir, "fake.box"), "fake.box")).problems[0]!, /disk\.vdi is not a VDI disk \(its header is not a disk image header\)/);
    writeFileSync(join(dir, "Vagrantfile"), "x");
    await writeTar(join(dir, "empty.box"), [join(dir, "Vagrantfile")]);
    assert.match((await checkBox(join(dir, "empty.box"), "empty.box")).problems[0]!, /holds no \.vdi or \.vmdk disk \(found: Vagrantfile\)/);
    writeTestBox(join(dir, "two.box"), "ubuntu-noble-configdrive.vdi");
    assert.match((await checkBox(join(dir, "two.box"), "two.box")).problems[0]!, /holds ubuntu-noble-configdrive\.vdi, a second cloud-init \(cidata\) source/);
  });

  itIf(NEED, "accepts a box it did not build when its disk is real (no build record to compare)", async () => {
    const dir = scratchDir();
    writeTestBox(join(dir, "mine.box"));
    const check = await checkBox(join(dir, "mine.box"), "mine.box");
    assert.deepEqual(check.problems, []);
    assert.equal(check.manifest, undefined);
    assert.deepEqual(check.disks, [{ name: "disk.vdi", format: "vdi", virtualBytes: 2 ** 30 }]);
  });
});

it("the cache path is per image id, so a new pin never reuses an old download", () => {
  assert.equal(imageCachePath({ ...({} as BaseImage), id: "ubuntu-24.04-20251213", format: "qcow2" }), join(".cache", "images", "ubuntu-24.04-20251213.qcow2"));
});
