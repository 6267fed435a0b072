/** OCI image-spec types and media types the registry client reads, writes and checks. */
import { createHash } from "node:crypto";

const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/** Media types that are manifests (documents that reference blobs or other manifests). */
export const MANIFEST_TYPES: readonly string[] = Object.values(MEDIA);
const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: unknown;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_TYPES.includes(mediaType);
}

/** The blobs an image manifest references: config first, then the layers. */
export function manifestBlobs(manifest: ImageManifest): Descriptor[] {
  return [manifest.config, ...manifest.layers];
}

/** Checks a descriptor's shape before anything uses its digest as a path or URL part. */
export function checkDescriptor(d: unknown, where: string): Descriptor {
  const x = d as Partial<Descriptor> | null;
  if (
    !x ||
    typeof x.mediaType !== "string" ||
    typeof x.digest !== "string" ||
    !DIGEST.test(x.digest) ||
    typeof x.size !== "number" ||
    !Number.isSafeInteger(x.size) ||
    x.size < 0
  ) {
    throw new Error(`${where}: not a valid sha256 descriptor`);
  }
  return x as Descriptor;
}
