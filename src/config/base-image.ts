/**
 * The base image of the local VMs: Canonical's Ubuntu 24.04 (noble) server cloud image, pinned by
 * URL and SHA-256 in the artefact table (`upstream-artefacts.ts`). `npm run box` turns it into the
 * VirtualBox box the provider clones (src/box/build.ts).
 */
import { UBUNTU_NOBLE_IMAGE } from "./upstream-artefacts";

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

/** The pinned Ubuntu 24.04 image (upstream-artefacts.ts UBUNTU_NOBLE_IMAGE), with the box's disk size. */
export const UBUNTU_NOBLE: BaseImage = {
  id: UBUNTU_NOBLE_IMAGE.id,
  description: UBUNTU_NOBLE_IMAGE.component,
  urls: UBUNTU_NOBLE_IMAGE.urls,
  sha256: UBUNTU_NOBLE_IMAGE.checksum.digest,
  format: "qcow2",
  diskGiB: 40,
};

/** Where `npm run box` writes the box by default (`local.image.path`), relative to the project root. */
export function defaultBoxPath(image: BaseImage = UBUNTU_NOBLE): string {
  return `boxes/${image.id}-vbox.box`;
}
