/**
 * Pushes an OCI image archive to a repository under a tag, preserving every digest: blobs and
 * manifests go up byte for byte, children before the manifests that reference them, and anything
 * the registry already has is skipped, so pushing the same archive again sends no blob and no
 * manifest (only HEAD requests).
 */
import type { RegistryClient } from "./client";
import { isIndex, type ImageManifest, manifestBlobs } from "./oci";
import { OciArchive } from "./oci-archive";

export interface PushResult {
  /** Digest the tag now points at (the archive's root manifest). */
  readonly digest: string;
  readonly blobsUploaded: number;
  readonly blobsSkipped: number;
  readonly bytesUploaded: number;
  readonly manifestsPut: number;
}

export interface PushOptions {
  /** Which root of index.json to push (an archive usually has one). @default 0 */
  readonly root?: number;
  /** Progress lines (`uploading blob … (12.3 MB)`). @default none */
  readonly progress?: (line: string) => void;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export async function pushArchive(client: RegistryClient, archivePath: string, repository: string, tag: string, opts: PushOptions = {}): Promise<PushResult> {
  const archive = OciArchive.open(archivePath);
  const root = archive.roots[opts.root ?? 0];
  if (!root) throw new Error(`${archivePath} has no root manifest ${opts.root ?? 0}`);
  await client.ping();
  // Nothing to do when the tag already names this exact manifest (its blobs are then present:
  // a registry refuses a manifest whose blobs it lacks).
  if ((await client.manifestDigest(repository, tag)) === root.digest) {
    return { digest: root.digest, blobsUploaded: 0, blobsSkipped: 0, bytesUploaded: 0, manifestsPut: 0 };
  }
  let blobsUploaded = 0;
  let blobsSkipped = 0;
  let bytesUploaded = 0;
  let manifestsPut = 0;
  const done = new Set<string>();
  for (const m of archive.pushOrder(root)) {
    if (!isIndex(m.descriptor.mediaType)) {
      for (const blob of manifestBlobs(m.parsed as ImageManifest)) {
        if (done.has(blob.digest)) continue;
        done.add(blob.digest);
        if (await client.blobExists(repository, blob.digest)) {
          blobsSkipped++;
          continue;
        }
        opts.progress?.(`uploading ${blob.digest.slice(0, 19)} (${mb(blob.size)})`);
        await client.uploadBlob(repository, blob.digest, blob.size, (start, end) => archive.blob(blob.digest, start, end));
        blobsUploaded++;
        bytesUploaded += blob.size;
      }
    }
    const isRoot = m.descriptor.digest === root.digest;
    // Children are pushed by digest; the root by digest-addressed tag last, so the tag never points
    // at an incomplete image.
    if (!isRoot && (await client.manifestDigest(repository, m.descriptor.digest)) === m.descriptor.digest) continue;
    await client.putManifest(repository, isRoot ? tag : m.descriptor.digest, m.descriptor.mediaType, m.bytes);
    manifestsPut++;
  }
  const now = await client.manifestDigest(repository, tag);
  if (now !== root.digest) throw new Error(`after the push ${repository}:${tag} resolves to ${now ?? "nothing"}, not ${root.digest}`);
  return { digest: root.digest, blobsUploaded, blobsSkipped, bytesUploaded, manifestsPut };
}
