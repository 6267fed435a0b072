/**
 * The base image of the local VMs, pinned: Canonical's Ubuntu 24.04 (noble) server cloud image of
 * one release serial, by URL and SHA-256 (the sums Canonical publishes in that folder's
 * SHA256SUMS). `npm run box` turns it into the VirtualBox box the provider clones
 * (src/box/build.ts). Canonical moves older serials from cloud-images to cloud-images-archive,
 * so both addresses are listed; either must give the same bytes.
 */

export interface BaseImage {
  /** Short id; the box and its disk are named after it, which keeps the provider's cache key unique per serial. */
  readonly id: string;
  readonly description: string;
  /** Tried in order; the first that answers with the pinned bytes wins. */
  readonly urls: readonly string[];
  /** SHA-256 of the exact bytes served at every URL. */
  readonly sha256: string;
  /** Format of the downloaded file (what `qemu-img`/`VBoxManage` read). */
  readonly format: "qcow2";
  /**
   * Virtual size of the box's disk in GiB: the cloud image's 3.5 GiB disk is too small for
   * container images; cloud-init grows the root file system to it on first boot. The disk is
   * dynamic, so unused space costs nothing.
   */
  readonly diskGiB: number;
}

const SERIAL = "20251213";
const FILE = "ubuntu-24.04-server-cloudimg-amd64.img";

export const UBUNTU_NOBLE: BaseImage = {
  id: `ubuntu-24.04-${SERIAL}`,
  description: `Ubuntu 24.04 LTS server cloud image, release ${SERIAL} (amd64)`,
  urls: [
    `https://cloud-images.ubuntu.com/releases/noble/release-${SERIAL}/${FILE}`,
    `https://cloud-images-archive.ubuntu.com/releases/noble/release-${SERIAL}/${FILE}`,
  ],
  sha256: "2b5f90ffe8180def601c021c874e55d8303e8bcbfc66fee2b94414f43ac5eb1f",
  format: "qcow2",
  diskGiB: 40,
};

/** Where `npm run box` writes the box by default (`local.image.path`), relative to the project root. */
export function defaultBoxPath(image: BaseImage = UBUNTU_NOBLE): string {
  return `boxes/${image.id}-vbox.box`;
}
