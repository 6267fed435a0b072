/**
 * An OCI image archive (`oci-layout`, `index.json`, `blobs/sha256/<hex>`), as the image build
 * writes to build/images/<name>.tar, read in place. Every manifest reachable from index.json is
 * parsed and its digest checked against its bytes; blobs are streamed from the archive.
 */
import type { Readable } from "node:stream";
import { Readable as ReadableStream } from "node:stream";
import { checkDescriptor, type Descriptor, type ImageIndex, type ImageManifest, isIndex, manifestBlobs, MANIFEST_TYPES, sha256Digest } from "./oci";
import { TarIndex } from "./tar-index";

export interface ArchivedManifest {
  readonly descriptor: Descriptor;
  /** The exact bytes (their sha256 is the digest). */
  readonly bytes: Buffer;
  readonly parsed: ImageManifest | ImageIndex;
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice("sha256:".length)}`;
}

export class OciArchive {
  /** The top-level manifests of index.json, in order. */
  readonly roots: readonly Descriptor[];
  private readonly manifests = new Map<string, ArchivedManifest>();

  private constructor(
    readonly path: string,
    private readonly tar: TarIndex,
  ) {
    if (!tar.get("oci-layout")) throw new Error(`${path} is not an OCI image archive (no oci-layout file)`);
    const index = JSON.parse(tar.read("index.json").toString("utf8")) as ImageIndex;
    if (!Array.isArray(index?.manifests) || index.manifests.length === 0) throw new Error(`${path}: index.json lists no manifests`);
    this.roots = index.manifests.map((d, i) => checkDescriptor(d, `${path} index.json manifests[${i}]`));
    for (const root of this.roots) this.load(root);
  }

  static open(path: string): OciArchive {
    return new OciArchive(path, TarIndex.open(path));
  }

  private load(d: Descriptor): void {
    if (this.manifests.has(d.digest)) return;
    if (!MANIFEST_TYPES.includes(d.mediaType)) throw new Error(`${this.path}: ${d.digest} has media type ${d.mediaType}, not a manifest`);
    const bytes = this.tar.read(blobPath(d.digest));
    if (bytes.length !== d.size || sha256Digest(bytes) !== d.digest)
      throw new Error(`${this.path}: manifest ${d.digest} does not match its bytes (size ${bytes.length}, digest ${sha256Digest(bytes)})`);
    const parsed = JSON.parse(bytes.toString("utf8")) as ImageManifest | ImageIndex;
    this.manifests.set(d.digest, { descriptor: d, bytes, parsed });
    if (isIndex(d.mediaType)) (parsed as ImageIndex).manifests.forEach((c, i) => this.load(checkDescriptor(c, `${this.path} ${d.digest} manifests[${i}]`)));
    else
      manifestBlobs(parsed as ImageManifest).forEach((b, i) => {
        checkDescriptor(b, `${this.path} ${d.digest} blob ${i}`);
        const entry = this.tar.get(blobPath(b.digest));
        if (!entry) throw new Error(`${this.path}: blob ${b.digest} referenced by ${d.digest} is missing`);
        if (entry.size !== b.size) throw new Error(`${this.path}: blob ${b.digest} is ${entry.size} bytes, the manifest says ${b.size}`);
      });
  }

  manifest(digest: string): ArchivedManifest {
    const m = this.manifests.get(digest);
    if (!m) throw new Error(`${this.path} has no manifest ${digest}`);
    return m;
  }

  /** Manifests children first: pushing in this order never references a missing manifest. */
  pushOrder(root: Descriptor): ArchivedManifest[] {
    const out: ArchivedManifest[] = [];
    const visit = (d: Descriptor) => {
      const m = this.manifest(d.digest);
      if (isIndex(d.mediaType)) (m.parsed as ImageIndex).manifests.forEach(visit);
      if (!out.includes(m)) out.push(m);
    };
    visit(root);
    return out;
  }

  /** A blob's bytes, from `start`, up to `end` (exclusive). */
  blob(digest: string, start = 0, end?: number): Readable {
    const e = this.tar.get(blobPath(digest));
    if (!e) throw new Error(`${this.path} has no blob ${digest}`);
    if (e.size === 0 || start >= (end ?? e.size)) return ReadableStream.from([]);
    return this.tar.stream(blobPath(digest), start, end);
  }

  blobSize(digest: string): number {
    const e = this.tar.get(blobPath(digest));
    if (!e) throw new Error(`${this.path} has no blob ${digest}`);
    return e.size;
  }
}
