/**
 * OCI image writer. One archive holds an OCI image layout (`oci-layout`, `index.json`,
 * `blobs/sha256/*`) and a docker-style `manifest.json` over the same blobs, so the same file loads
 * with `ctr images import`, `podman load`, `docker load`, `skopeo … oci-archive:` and
 * `docker-archive:`, and `umoci`. Everything that could vary between machines (gzip header, times,
 * owners, key order) is fixed: the same layers and config give the same digests.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zlibConstants } from "node:zlib";
import { TarWriter } from "./tar";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** containerd reads the image name from this annotation (`ctr images import`). */
export const CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
/** The OCI reference annotation (skopeo, podman and umoci select images by it). */
export const OCI_REF_ANNOTATION = "org.opencontainers.image.ref.name";

/** gzip header bytes 4–9: mtime 0, no extra flags, OS "Unix" — zlib's OS byte differs by platform. */
const GZIP_FIXED_HEADER = Buffer.from([0, 0, 0, 0, 0, 3]);

export interface CompressedLayer {
  /** sha256 of the gzip stream: the blob's name and the manifest's layer digest. */
  readonly digest: string;
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  readonly diffId: string;
  /** Size of the compressed blob in bytes. */
  readonly size: number;
  /** The compressed blob on disk. */
  readonly path: string;
}

class HashTap extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  private headerFixed = false;

  constructor(private readonly fixGzipHeader = false) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.fixGzipHeader && !this.headerFixed) {
      // The first chunk zlib emits holds the whole 10-byte header.
      if (chunk.length < 10) return done(new Error("gzip: first chunk shorter than its header"));
      chunk = Buffer.from(chunk);
      GZIP_FIXED_HEADER.copy(chunk, 4);
      this.headerFixed = true;
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

/** Gzip level for layers: zlib's default trades little size for much less CPU than 9 on 2 cores. */
const GZIP_LEVEL = 6;

/** Compresses an uncompressed layer tar into `outPath`, returning both digests. */
export async function compressLayer(tarPath: string, outPath: string): Promise<CompressedLayer> {
  mkdirSync(dirname(outPath), { recursive: true });
  const plain = new HashTap();
  const packed = new HashTap(true);
  const tmp = `${outPath}.tmp-${process.pid}`;
  await pipeline(
    createReadStream(tarPath, { highWaterMark: 1 << 20 }),
    plain,
    createGzip({ level: GZIP_LEVEL, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY }),
    packed,
    createWriteStream(tmp),
  );
  renameSync(tmp, outPath);
  return { digest: packed.digest(), diffId: plain.digest(), size: packed.bytes, path: outPath };
}

export interface ImageConfig {
  /** `user[:group]`, numeric (Pod Security `restricted` needs a non-root uid the kubelet can check). */
  readonly user: string;
  readonly env: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workingDir?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface LayerHistory {
  /** What produced the layer, shown by `podman history`. */
  readonly createdBy: string;
  readonly comment?: string;
}

export interface OciImageInput {
  /** Full reference, registry included (containerd refuses short names): `host:5000/clusterkit/x:tag`. */
  readonly reference: string;
  readonly config: ImageConfig;
  readonly layers: readonly (CompressedLayer & LayerHistory)[];
  /** Seconds since the epoch for `created` and every history entry (SOURCE_DATE_EPOCH). */
  readonly created: number;
  readonly architecture?: string;
}

export interface WrittenImage {
  readonly reference: string;
  /** Digest of the manifest: what a registry and `ctr` show as the image digest. */
  readonly digest: string;
  /** Digest of the config: docker's and podman's image id. */
  readonly configDigest: string;
  /** Size of the archive in bytes. */
  readonly archiveSize: number;
  /** Sum of the compressed layers (what a node pulls). */
  readonly compressedSize: number;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice("sha256:".length)}`;
}

function sortedRecord(record: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!record || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

/** The image config JSON (OCI image spec), keys in a fixed order. */
function imageConfigJson(input: OciImageInput): Buffer {
  const created = new Date(input.created * 1000).toISOString().replace(/\.000Z$/, "Z");
  const c = input.config;
  const config = {
    created,
    architecture: input.architecture ?? "amd64",
    os: "linux",
    config: {
      User: c.user,
      Env: [...c.env],
      ...(c.entrypoint ? { Entrypoint: [...c.entrypoint] } : {}),
      ...(c.cmd ? { Cmd: [...c.cmd] } : {}),
      ...(c.workingDir ? { WorkingDir: c.workingDir } : {}),
      ...(sortedRecord(c.labels) ? { Labels: sortedRecord(c.labels) } : {}),
    },
    rootfs: { type: "layers", diff_ids: input.layers.map((l) => l.diffId) },
    history: input.layers.map((l) => ({ created, created_by: l.createdBy, ...(l.comment ? { comment: l.comment } : {}) })),
  };
  return Buffer.from(JSON.stringify(config));
}

/** Tag part of a reference (`host:5000/a/b:tag` → `tag`). */
function referenceTag(reference: string): string {
  const lastSlash = reference.lastIndexOf("/");
  const colon = reference.indexOf(":", lastSlash + 1);
  if (colon < 0) throw new Error(`image reference ${reference} has no tag`);
  return reference.slice(colon + 1);
}

/** Writes the archive at `outPath` (atomically) and returns its digests and size. */
export function writeOciArchive(outPath: string, input: OciImageInput): WrittenImage {
  referenceTag(input.reference);
  const configJson = imageConfigJson(input);
  const configDigest = sha256(configJson);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: configJson.length },
      layers: input.layers.map((l) => ({ mediaType: MEDIA_TYPES.layerGzip, digest: l.digest, size: l.size })),
    }),
  );
  const manifestDigest = sha256(manifest);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [
        {
          mediaType: MEDIA_TYPES.manifest,
          digest: manifestDigest,
          size: manifest.length,
          annotations: { [CONTAINERD_NAME_ANNOTATION]: input.reference, [OCI_REF_ANNOTATION]: input.reference },
        },
      ],
    }),
  );
  const dockerManifest = Buffer.from(
    JSON.stringify([{ Config: blobPath(configDigest), RepoTags: [input.reference], Layers: input.layers.map((l) => blobPath(l.digest)) }]),
  );

  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.tmp-${process.pid}`;
  const tar = new TarWriter(tmp, input.created);
  try {
    tar.addBuffer("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    tar.addBuffer("index.json", index);
    tar.addBuffer("manifest.json", dockerManifest);
    tar.addDir("blobs");
    tar.addDir("blobs/sha256");
    // Blobs in digest order; a layer shared by two positions is stored once.
    const blobs = new Map<string, { path?: string; data?: Buffer; size: number }>();
    blobs.set(configDigest, { data: configJson, size: configJson.length });
    blobs.set(manifestDigest, { data: manifest, size: manifest.length });
    for (const l of input.layers) {
      const actual = statSync(l.path).size;
      if (actual !== l.size) throw new Error(`layer blob ${l.path} is ${actual} bytes, expected ${l.size}`);
      blobs.set(l.digest, { path: l.path, size: l.size });
    }
    for (const digest of [...blobs.keys()].sort()) {
      const b = blobs.get(digest)!;
      if (b.data) tar.addBuffer(blobPath(digest), b.data);
      else tar.addFileFrom(blobPath(digest), b.path!, b.size);
    }
  } finally {
    tar.close();
  }
  renameSync(tmp, outPath);
  return {
    reference: input.reference,
    digest: manifestDigest,
    configDigest,
    archiveSize: statSync(outPath).size,
    compressedSize: input.layers.reduce((n, l) => n + l.size, 0),
  };
}
