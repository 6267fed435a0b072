/**
 * Pulls an image back by digest and checks every byte against its digest: the manifest (or index
 * and its manifests) and each blob. Returns the documents and blobs, keyed by digest.
 */
import type { RegistryClient } from "./client";
import { checkDescriptor, type ImageIndex, type ImageManifest, isIndex, manifestBlobs } from "./oci";

export interface PulledImage {
  readonly manifests: ReadonlyMap<string, { readonly mediaType: string; readonly bytes: Buffer }>;
  readonly blobs: ReadonlyMap<string, Buffer>;
}

export async function pullByDigest(client: RegistryClient, repository: string, digest: string): Promise<PulledImage> {
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const visit = async (d: string) => {
    if (manifests.has(d)) return;
    const m = await client.getManifest(repository, d);
    manifests.set(d, { mediaType: m.mediaType, bytes: m.bytes });
    const parsed = JSON.parse(m.bytes.toString("utf8")) as ImageIndex | ImageManifest;
    const mediaType = parsed.mediaType ?? m.mediaType;
    if (isIndex(mediaType)) {
      for (const [i, c] of (parsed as ImageIndex).manifests.entries()) await visit(checkDescriptor(c, `${d} manifests[${i}]`).digest);
      return;
    }
    for (const [i, b] of manifestBlobs(parsed as ImageManifest).entries()) {
      const desc = checkDescriptor(b, `${d} blob ${i}`);
      if (blobs.has(desc.digest)) continue;
      const bytes = await client.getBlob(repository, desc.digest);
      if (bytes.length !== desc.size) throw new Error(`blob ${desc.digest} is ${bytes.length} bytes, the manifest says ${desc.size}`);
      blobs.set(desc.digest, bytes);
    }
  };
  await visit(digest);
  return { manifests, blobs };
}
