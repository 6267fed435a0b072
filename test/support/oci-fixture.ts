/**
 * Small OCI image archives for tests, laid out as the image build writes them (oci-layout,
 * index.json, blobs/sha256/*) and packed with GNU tar. Each layer holds real files, so ctr and
 * podman can unpack the image they pull.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { scratchDir } from "./cli";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export interface Fixture {
  readonly path: string;
  /** Digest of the image manifest (index.json's only entry). */
  readonly manifestDigest: string;
  readonly blobs: ReadonlyMap<string, Buffer>;
  readonly manifest: Buffer;
}

/**
 * A one-layer archive holding `hello.txt` with `text`, named `refName`: made once per test file
 * and shared (callers copy it, never change it), since whole-deploy tests ask for the same images
 * on every run and each archive costs tar and gzip.
 */
const helloArchives = new Map<string, Fixture>();
export function helloArchive(text: string, refName: string): Fixture {
  const key = `${text}\0${refName}`;
  let fixture = helloArchives.get(key);
  if (!fixture) helloArchives.set(key, (fixture = ociArchive({ layers: [{ "hello.txt": text }], refName })));
  return fixture;
}

/** `layers`: files per layer (name -> content); `bigLayerBytes` adds a layer of random data that size. */
export function ociArchive(opts: { layers: Record<string, string>[]; bigLayerBytes?: number; refName?: string }): Fixture {
  const dir = scratchDir("clusterkit-oci-");
  const layout = join(dir, "layout");
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  const blobs = new Map<string, Buffer>();
  const put = (bytes: Buffer) => {
    const hex = sha(bytes);
    writeFileSync(join(layout, "blobs", "sha256", hex), bytes);
    blobs.set(`sha256:${hex}`, bytes);
    return `sha256:${hex}`;
  };
  const layerSpecs = [...opts.layers];
  const layers: { digest: string; size: number; diffId: string }[] = [];
  layerSpecs.forEach((files, i) => {
    const root = join(dir, `rootfs${i}`);
    mkdirSync(root, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
    const tar = spawnSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "-C", root, "."], {
      maxBuffer: 1 << 30,
    });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    const gz = gzipSync(tar.stdout);
    layers.push({ digest: put(gz), size: gz.length, diffId: `sha256:${sha(tar.stdout)}` });
  });
  if (opts.bigLayerBytes) {
    // Random bytes in a gzip layer: incompressible, so the blob really is that large.
    const data = randomBytes(opts.bigLayerBytes);
    const root = join(dir, "big");
    mkdirSync(root);
    writeFileSync(join(root, "random.bin"), data);
    const tar = spawnSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "-C", root, "."], {
      maxBuffer: 1 << 30,
    });
    const gz = gzipSync(tar.stdout, { level: 1 });
    layers.push({ digest: put(gz), size: gz.length, diffId: `sha256:${sha(tar.stdout)}` });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/hello.txt"], User: "1000" },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configDigest = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: l.digest, size: l.size })),
    }),
  );
  const manifestDigest = put(manifest);
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: manifestDigest,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": opts.refName ?? "test" },
        },
      ],
    }),
  );
  const path = join(dir, "image.tar");
  const packed = spawnSync("tar", ["--sort=name", "-cf", path, "-C", layout, "."]);
  if (packed.status !== 0) throw new Error(`tar failed: ${packed.stderr}`);
  return {
    path,
    manifestDigest,
    blobs: new Map([...blobs].filter(([d]) => d !== manifestDigest)),
    manifest: readFileSync(join(layout, "blobs", "sha256", manifestDigest.slice(7))),
  };
}
