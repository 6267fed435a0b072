/**
 * The sandboxed runtimes' releases the local node bootstrap installs, as the scripts read them,
 * from the artefact table (`upstream-artefacts.ts`), where the checksums are pinned and their
 * provenance recorded: a checksum fetched from the server that serves the binary only proves the
 * download was not truncated, never that the server was not replaced. The nodes fetch the files
 * and refuse any that does not match.
 */
import { type FileArtefact, GVISOR as GVISOR_FILES, KATA as KATA_FILE } from "./upstream-artefacts";

export interface PinnedFile {
  readonly url: string;
  /** Lower-case hex digest. */
  readonly digest: string;
  readonly algorithm: "sha256" | "sha512";
}

function pinned(f: FileArtefact): PinnedFile {
  return { url: f.urls[0], digest: f.checksum.digest, algorithm: f.checksum.algorithm };
}

/** gVisor: the runtime and the containerd shim (containerd runtime type io.containerd.runsc.v1). */
export const GVISOR = {
  release: GVISOR_FILES.runsc.version,
  runsc: pinned(GVISOR_FILES.runsc),
  shim: pinned(GVISOR_FILES.shim),
} as const;

/** Kata Containers' static release (see upstream-artefacts.ts KATA). */
export const KATA = {
  version: KATA_FILE.version,
  tarball: pinned(KATA_FILE),
} as const;
