/**
 * The sandboxed runtimes' releases the local node bootstrap installs, with their checksums pinned
 * HERE: a checksum fetched from the server that serves the binary only proves the download was not
 * truncated, never that the server was not replaced. The nodes fetch the files and refuse any that
 * does not match.
 *
 * Provenance (no network on the machine that wrote this): the gVisor values are the ones in that
 * release's `.sha512` files and the Kata value is the tarball's SHA-256 (Kata publishes no checksum
 * file since 3.28), each as recorded by independent public pins of the same files that agree with
 * one another. To move to another release: download the files on a trusted machine, compute
 * `sha512sum` / `sha256sum`, compare with the publisher's own files where they exist, and replace
 * both the version and the values here together.
 */

export interface PinnedFile {
  readonly url: string;
  /** Lower-case hex digest. */
  readonly digest: string;
  readonly algorithm: "sha256" | "sha512";
}

const GVISOR_RELEASE = "20260817.0";
const GVISOR_BASE = `https://storage.googleapis.com/gvisor/releases/release/${GVISOR_RELEASE}/x86_64`;

/** gVisor: the runtime and the containerd shim (containerd runtime type io.containerd.runsc.v1). */
export const GVISOR = {
  release: GVISOR_RELEASE,
  runsc: { url: `${GVISOR_BASE}/runsc`, algorithm: "sha512", digest: "84936438d583ec976800f464e75a83e1515f0890b451b9b4db219c4472b54ca9b106a6772ee683f1e64cce2128871d7637b14d800591f8451b8137f6c39fb2ef" },
  shim: { url: `${GVISOR_BASE}/containerd-shim-runsc-v1`, algorithm: "sha512", digest: "b60d1c418b841ab046951cc7a91f490a221198fbe81ec55dc364432578fddd44e97063793ce6651be397af2f64ec47170dff77a45db277819c3fb08fec9f3ced" },
} as const satisfies { release: string; runsc: PinnedFile; shim: PinnedFile };

const KATA_VERSION = "3.32.0";

/**
 * Kata Containers' static release: QEMU, the guest kernel and image, and the Go runtime whose
 * `containerd-shim-kata-v2` containerd 1.7 (Ubuntu 24.04) drives. Kata 4 defaults to runtime-rs and
 * its kata-deploy needs containerd 2.
 */
export const KATA = {
  version: KATA_VERSION,
  tarball: {
    url: `https://github.com/kata-containers/kata-containers/releases/download/${KATA_VERSION}/kata-static-${KATA_VERSION}-amd64.tar.zst`,
    algorithm: "sha256",
    digest: "1449ecea50bd91fa73a94648db195d18950fe869ba4b1f12d05f55f1fa7c1b01",
  },
} as const satisfies { version: string; tarball: PinnedFile };
