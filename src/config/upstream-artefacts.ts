/**
 * THE table of third-party artefacts: every file, container image and package repository the
 * project takes from upstream, with its version and how it is verified (kubespray keeps the same
 * thing in `roles/kubespray-defaults/defaults/main/download.yml`). Every consumer reads from here:
 * the upstream installs (`upstream.ts`), the charts' images (`images.ts`), the node bootstrap's
 * runtimes (`runtime-releases.ts`) and packages, the base box (`base-image.ts`) and
 * `npm run gen:crds`. A fast test (test/config/upstream-artefacts.test.ts) checks that every entry
 * has a version and a checksum, and that no other source file pins an upstream URL, image or digest.
 * How to add or move an entry: docs/upstream.md.
 *
 * Which version a Kubernetes minor uses (Calico, metrics-server, pause) is the compatibility
 * table's choice (`versions.ts`), whose fields are keys of the per-version entries below.
 */

/** A digest of the exact bytes, lower-case hex. */
export interface Checksum {
  readonly algorithm: "sha256" | "sha512";
  readonly digest: string;
}

/** A file fetched over HTTPS and refused unless its bytes match `checksum`. */
export interface FileArtefact {
  readonly kind: "manifest" | "binary" | "archive" | "disk-image";
  /** Short id, unique; also the cache file name where one is kept. */
  readonly id: string;
  /** What it is, for messages. */
  readonly component: string;
  readonly version: string;
  /** Tried in order; every one must serve the same bytes. */
  readonly urls: readonly [string, ...string[]];
  readonly checksum: Checksum;
  /** Where the checksum comes from, when not computed from the file by whoever pinned it. @default computed from the downloaded file */
  readonly provenance?: string;
}

/** A container image, referenced by tag and, once recorded, by manifest digest. */
export interface ImageArtefact {
  readonly kind: "image";
  readonly component: string;
  readonly version: string;
  /** `registry/repository:tag`. */
  readonly reference: string;
  /**
   * Manifest (index) digest of `reference`, `sha256:<64 hex>`; the charts then pull
   * `reference@digest`. @default none: pulled by tag; every such image is listed in
   * IMAGES_AWAITING_DIGEST, which the test keeps exact
   */
  readonly digest?: string;
}

/**
 * Debian packages from an apt repository: apt checks every package against the repository's
 * signed index, so the pin is the version and the key that signs the index.
 */
export interface AptArtefact {
  readonly kind: "apt";
  readonly component: string;
  readonly packages: readonly string[];
  /** Exact version, or a `major.minor.*` line where the archive's build suffix varies. */
  readonly version: string;
  /**
   * The signing key: `base-image` when it ships in the (checksummed) base image's keyring, else
   * the URL it is fetched from.
   */
  readonly signedBy: "base-image" | { readonly keyUrl: string };
}

export type UpstreamArtefact = FileArtefact | ImageArtefact | AptArtefact;

function image(component: string, repository: string, version: string, tag: string = version): ImageArtefact {
  return { kind: "image", component, version, reference: `${repository}:${tag}` };
}

// ---------------------------------------------------------------------------------------------
// Manifests applied as upstream YAML (src/config/upstream.ts adds where and how they are applied)
// ---------------------------------------------------------------------------------------------

const CALICO_RAW = "https://raw.githubusercontent.com/projectcalico/calico";

/** Calico through the Tigera operator, per Calico release (the CRDs are bundled up to 3.29). */
export const CALICO = {
  "v3.29.7": {
    tigeraOperator: {
      kind: "manifest",
      id: "tigera-operator-v3.29.7",
      component: "Calico (Tigera operator v1.36.16, CRDs included)",
      version: "v3.29.7",
      urls: [`${CALICO_RAW}/v3.29.7/manifests/tigera-operator.yaml`],
      checksum: { algorithm: "sha256", digest: "a571ef21476c026618a7c7b092a3ab1744ec191e02492655d8c1468ac08f25f2" },
    },
  },
  "v3.32.1": {
    operatorCrds: {
      kind: "manifest",
      id: "calico-operator-crds-v3.32.1",
      component: "Calico operator CRDs",
      version: "v3.32.1",
      urls: [`${CALICO_RAW}/v3.32.1/manifests/operator-crds.yaml`],
      checksum: { algorithm: "sha256", digest: "192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71" },
    },
    tigeraOperator: {
      kind: "manifest",
      id: "tigera-operator-v3.32.1",
      component: "Calico (Tigera operator v1.42.3)",
      version: "v3.32.1",
      urls: [`${CALICO_RAW}/v3.32.1/manifests/tigera-operator.yaml`],
      checksum: { algorithm: "sha256", digest: "f18e073794207d372606bc3ea6f8fd73972f86d6828f4ba666dfe0d4aa8ab07f" },
    },
  },
} as const satisfies Record<string, Record<string, FileArtefact>>;
export type CalicoVersion = keyof typeof CALICO;
/** The CRDs charts/imports/operator.tigera.io.ts is generated from (`npm run gen:crds`). */
export const CALICO_CRDS_FOR_IMPORTS: FileArtefact = CALICO["v3.32.1"].operatorCrds;

/** MetalLB, native (L2) manifest. */
export const METALLB: FileArtefact = {
  kind: "manifest",
  id: "metallb-native-v0.16.1",
  component: "MetalLB (native, L2)",
  version: "v0.16.1",
  urls: ["https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml"],
  checksum: { algorithm: "sha256", digest: "bf25feebb7582ca7df845efd52ffbc2960d6cbf4cfc972f47fded9f788b67f0b" },
};

// ---------------------------------------------------------------------------------------------
// Container images the charts and the nodes run (the service's own are built: built-images.ts)
// ---------------------------------------------------------------------------------------------

/** metrics-server, per release (rendered by cdk8s from its upstream manifest, charts/platform/metrics-server.ts). */
export const METRICS_SERVER = {
  "v0.7.2": image("metrics-server", "registry.k8s.io/metrics-server/metrics-server", "v0.7.2"),
  "v0.9.0": image("metrics-server", "registry.k8s.io/metrics-server/metrics-server", "v0.9.0"),
} as const satisfies Record<string, ImageArtefact>;
export type MetricsServerVersion = keyof typeof METRICS_SERVER;

/** The sandbox (pause) image kubeadm expects, per tag; containerd is configured with it, the pre-pull DaemonSet idles in it. */
export const PAUSE = {
  "3.9": image("pause", "registry.k8s.io/pause", "3.9"),
  "3.10.1": image("pause", "registry.k8s.io/pause", "3.10.1"),
} as const satisfies Record<string, ImageArtefact>;
export type PauseTag = keyof typeof PAUSE;

/** Images with one version each, by the name the charts use. */
export const CHART_IMAGES = {
  flannel: image("Flannel", "ghcr.io/flannel-io/flannel", "v0.28.9"),
  flannelCniPlugin: image("Flannel CNI plugin", "ghcr.io/flannel-io/flannel-cni-plugin", "v1.9.1-flannel3"),
  nats: image("NATS server", "docker.io/library/nats", "2.14.2", "2.14.2-alpine"),
  natsConfigReloader: image("NATS config reloader", "docker.io/natsio/nats-server-config-reloader", "0.23.0"),
  oauth2Proxy: image("oauth2-proxy", "quay.io/oauth2-proxy/oauth2-proxy", "v7.15.3"),
  nginx: image("nginx (unprivileged)", "docker.io/nginxinc/nginx-unprivileged", "1.29.1", "1.29.1-alpine3.22"),
  phpFpm: image("PHP-FPM", "docker.io/library/php", "8.4.11", "8.4.11-fpm-alpine3.22"),
} as const satisfies Record<string, ImageArtefact>;

/**
 * Images still pulled by tag: their digests were not recorded when they were pinned (written on a
 * machine without registry access). Record one with
 * `skopeo inspect --format '{{.Digest}}' docker://<reference>` and remove it from this list; the
 * test fails when an image without a digest is missing here, or one with a digest is still listed.
 */
export const IMAGES_AWAITING_DIGEST: readonly string[] = [
  "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
  "registry.k8s.io/metrics-server/metrics-server:v0.9.0",
  "registry.k8s.io/pause:3.9",
  "registry.k8s.io/pause:3.10.1",
  "ghcr.io/flannel-io/flannel:v0.28.9",
  "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3",
  "docker.io/library/nats:2.14.2-alpine",
  "docker.io/natsio/nats-server-config-reloader:0.23.0",
  "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
  "docker.io/nginxinc/nginx-unprivileged:1.29.1-alpine3.22",
  "docker.io/library/php:8.4.11-fpm-alpine3.22",
];

// ---------------------------------------------------------------------------------------------
// Installed on the local VMs by the node bootstrap (stacks/local/cloud-init)
// ---------------------------------------------------------------------------------------------

const GVISOR_RELEASE = "20260817.0";
const GVISOR_BASE = `https://storage.googleapis.com/gvisor/releases/release/${GVISOR_RELEASE}/x86_64`;
const GVISOR_PROVENANCE =
  "the release's own .sha512 files, as recorded by independent public pins of the same files that agree with one another (no network where this was written)";

/** gVisor: the runtime and the containerd shim (runtime type io.containerd.runsc.v1). */
export const GVISOR = {
  runsc: {
    kind: "binary",
    id: `runsc-${GVISOR_RELEASE}`,
    component: "gVisor runsc",
    version: GVISOR_RELEASE,
    urls: [`${GVISOR_BASE}/runsc`],
    checksum: {
      algorithm: "sha512",
      digest: "84936438d583ec976800f464e75a83e1515f0890b451b9b4db219c4472b54ca9b106a6772ee683f1e64cce2128871d7637b14d800591f8451b8137f6c39fb2ef",
    },
    provenance: GVISOR_PROVENANCE,
  },
  shim: {
    kind: "binary",
    id: `containerd-shim-runsc-v1-${GVISOR_RELEASE}`,
    component: "gVisor containerd shim",
    version: GVISOR_RELEASE,
    urls: [`${GVISOR_BASE}/containerd-shim-runsc-v1`],
    checksum: {
      algorithm: "sha512",
      digest: "b60d1c418b841ab046951cc7a91f490a221198fbe81ec55dc364432578fddd44e97063793ce6651be397af2f64ec47170dff77a45db277819c3fb08fec9f3ced",
    },
    provenance: GVISOR_PROVENANCE,
  },
} as const satisfies Record<string, FileArtefact>;

const KATA_VERSION = "3.32.0";

/**
 * Kata Containers' static release: QEMU, the guest kernel and image, and the Go runtime whose
 * `containerd-shim-kata-v2` containerd 1.7 (Ubuntu 24.04) drives. Kata 4 defaults to runtime-rs and
 * its kata-deploy needs containerd 2.
 */
export const KATA = {
  kind: "archive",
  id: `kata-static-${KATA_VERSION}-amd64`,
  component: "Kata Containers (static release)",
  version: KATA_VERSION,
  urls: [`https://github.com/kata-containers/kata-containers/releases/download/${KATA_VERSION}/kata-static-${KATA_VERSION}-amd64.tar.zst`],
  checksum: { algorithm: "sha256", digest: "1449ecea50bd91fa73a94648db195d18950fe869ba4b1f12d05f55f1fa7c1b01" },
  provenance: "the tarball's SHA-256 (Kata publishes no checksum file since 3.28), as recorded by independent public pins that agree with one another",
} as const satisfies FileArtefact;

/** kubeadm, kubelet and kubectl: one pkgs.k8s.io repository per minor; the version per minor is versions.ts `debVersion`. */
export const KUBERNETES_APT = {
  /** The repository of a minor (`1.35`). */
  repository: (minor: string): string => `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`,
} as const;

/** Kubernetes packages as table entries, one per minor (the key comes from the repository itself, see docs/upstream.md). */
export function kubernetesAptArtefact(minor: string, debVersion: string): AptArtefact {
  return {
    kind: "apt",
    component: `Kubernetes ${minor} (kubeadm, kubelet, kubectl)`,
    packages: ["kubeadm", "kubelet", "kubectl"],
    version: debVersion,
    signedBy: { keyUrl: `${KUBERNETES_APT.repository(minor)}Release.key` },
  };
}

/** Ubuntu's `docker-registry` (distribution 2.8) on the NFS node: the local image registry. */
export const DOCKER_REGISTRY_DEB: AptArtefact = {
  kind: "apt",
  component: "docker-registry (Ubuntu archive)",
  packages: ["docker-registry"],
  // The exact Ubuntu build suffix is the archive's; the install step refuses any other major.minor.
  version: "2.8.*",
  signedBy: "base-image",
};

// ---------------------------------------------------------------------------------------------
// The local VMs' base image (npm run box)
// ---------------------------------------------------------------------------------------------

const NOBLE_SERIAL = "20251213";
const NOBLE_FILE = "ubuntu-24.04-server-cloudimg-amd64.img";

/**
 * Canonical's Ubuntu 24.04 (noble) server cloud image of one release serial (SHA-256 from the
 * SHA256SUMS in that folder). Canonical moves older serials from cloud-images to
 * cloud-images-archive, so both addresses are listed; either must give the same bytes.
 */
export const UBUNTU_NOBLE_IMAGE = {
  kind: "disk-image",
  id: `ubuntu-24.04-${NOBLE_SERIAL}`,
  component: `Ubuntu 24.04 LTS server cloud image, release ${NOBLE_SERIAL} (amd64)`,
  version: NOBLE_SERIAL,
  urls: [
    `https://cloud-images.ubuntu.com/releases/noble/release-${NOBLE_SERIAL}/${NOBLE_FILE}`,
    `https://cloud-images-archive.ubuntu.com/releases/noble/release-${NOBLE_SERIAL}/${NOBLE_FILE}`,
  ],
  checksum: { algorithm: "sha256", digest: "2b5f90ffe8180def601c021c874e55d8303e8bcbfc66fee2b94414f43ac5eb1f" },
  provenance: "Canonical's SHA256SUMS in the release folder",
} as const satisfies FileArtefact;

// ---------------------------------------------------------------------------------------------

/** Every file and image entry of the table (apt entries per minor come from versions.ts). */
export const ALL_PINNED: readonly (FileArtefact | ImageArtefact | AptArtefact)[] = [
  ...Object.values(CALICO).flatMap((r) => Object.values(r) as FileArtefact[]),
  METALLB,
  ...Object.values(METRICS_SERVER),
  ...Object.values(PAUSE),
  ...Object.values(CHART_IMAGES),
  GVISOR.runsc,
  GVISOR.shim,
  KATA,
  DOCKER_REGISTRY_DEB,
  UBUNTU_NOBLE_IMAGE,
];

/** How an image is referenced in manifests and configs: by digest once one is recorded. */
export function imageRef(artefact: ImageArtefact): string {
  return artefact.digest ? `${artefact.reference}@${artefact.digest}` : artefact.reference;
}
