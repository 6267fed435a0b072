/**
 * The compatibility table: every version that depends on the Kubernetes minor lives here, once.
 * A minor not listed is rejected by config validation with the list of supported ones.
 */

import type { CalicoVersion, MetricsServerVersion, PauseTag } from "./upstream-artefacts";

export type EnvironmentKind = "local" | "ack";

export interface KubernetesRelease {
  /** Exact upstream patch release (kubeadm `kubernetesVersion`). */
  readonly patch: string;
  /** Debian package version on pkgs.k8s.io for kubeadm, kubelet and kubectl (held after install). */
  readonly debVersion: string;
  /** kubeadm config API (`v1beta4` from 1.31 on; 1.30 only has `v1beta3`). */
  readonly kubeadmApi: "kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4";
  /** Sandbox (pause) image tag kubeadm expects for this minor, written into containerd's config (upstream-artefacts.ts PAUSE). */
  readonly pauseTag: PauseTag;
  /** Calico release tested on this minor (operator install; upstream-artefacts.ts CALICO). */
  readonly calico: CalicoVersion;
  /** metrics-server release whose compatibility matrix covers this minor (upstream-artefacts.ts METRICS_SERVER). */
  readonly metricsServer: MetricsServerVersion;
  /** ACK version string for new clusters, or undefined when ACK no longer creates this minor. */
  readonly ack?: string;
  /** Whether the local (kubeadm on Ubuntu 24.04 with its containerd 1.7) environment supports it. */
  readonly local: boolean;
}

/**
 * Calico 3.29 is tested on 1.29–1.32 and 3.32 on 1.34–1.36; metrics-server 0.7 covers 1.27+ and
 * 0.9 covers 1.34+. 1.36 needs containerd 2, which Ubuntu 24.04 does not ship, so it is ACK-only.
 * ACK creates clusters only on its three newest minors (1.30 reached end of support 2026-06-30).
 */
export const KUBERNETES_RELEASES: Readonly<Record<string, KubernetesRelease>> = {
  "1.30": {
    patch: "1.30.14",
    debVersion: "1.30.14-1.1",
    kubeadmApi: "kubeadm.k8s.io/v1beta3",
    pauseTag: "3.9",
    calico: "v3.29.7",
    metricsServer: "v0.7.2",
    local: true,
  },
  "1.35": {
    patch: "1.35.7",
    debVersion: "1.35.7-1.1",
    kubeadmApi: "kubeadm.k8s.io/v1beta4",
    pauseTag: "3.10.1",
    calico: "v3.32.1",
    metricsServer: "v0.9.0",
    ack: "1.35.7-aliyun.1",
    local: true,
  },
  "1.36": {
    patch: "1.36.1",
    debVersion: "1.36.1-1.1",
    kubeadmApi: "kubeadm.k8s.io/v1beta4",
    pauseTag: "3.10.1",
    calico: "v3.32.1",
    metricsServer: "v0.9.0",
    ack: "1.36.1-aliyun.1",
    local: false,
  },
};

/** The default minor for every environment. */
export const DEFAULT_KUBERNETES_MINOR = "1.35";

/** Minors an environment kind accepts, in ascending order. */
export function supportedMinors(kind: EnvironmentKind): string[] {
  return Object.entries(KUBERNETES_RELEASES)
    .filter(([, r]) => (kind === "local" ? r.local : r.ack !== undefined))
    .map(([minor]) => minor);
}

/** The release for a validated minor (validation guarantees it exists). */
export function kubernetesRelease(minor: string): KubernetesRelease {
  const release = KUBERNETES_RELEASES[minor];
  if (!release) throw new Error(`no Kubernetes release entry for minor ${minor}`);
  return release;
}

/**
 * The newest Kubernetes minor on which ACK creates sandboxed-container (runV) node pools: Alibaba's
 * "Create a sandboxed container node pool" lists 1.16 to 1.34 (page of 2026).
 */
export const ACK_SANDBOX_MAX_MINOR = "1.34";
