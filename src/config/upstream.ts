/**
 * Upstream installs the project does not vendor: each is fetched by the deploy step from its
 * pinned URL in the artefact table (`upstream-artefacts.ts`), verified against its SHA-256 (a
 * mismatch is refused), cached, and applied right before the chart file named in `before`, then
 * waited for as listed in `waitFor`. This file says only where and how each is applied.
 */
import { CHART_IDS } from "../contracts/chart-ids";
import type { LocalConfig } from "./schema";
import { CALICO, type CalicoVersion, type FileArtefact, METALLB } from "./upstream-artefacts";
import { kubernetesRelease } from "./versions";

/** Something the deploy step waits for after applying an install. */
export type WaitCondition =
  { readonly kind: "crd"; readonly name: string } | { readonly kind: "deployment"; readonly namespace: string; readonly name: string };

export interface UpstreamInstall {
  /** Short id, also the cache file name. */
  readonly id: string;
  readonly component: string;
  readonly version: string;
  readonly url: string;
  /** SHA-256 of the exact bytes served at `url`. */
  readonly sha256: string;
  /**
   * Server-side apply: the Calico/Tigera CRDs exceed the 256 KiB annotation limit of client-side
   * `kubectl apply`.
   */
  readonly serverSide: boolean;
  /** Apply right before this chart's manifest file (a `CHART_IDS` value, e.g. `10-cni`). */
  readonly before: string;
  readonly waitFor: readonly WaitCondition[];
}

/** An entry of the artefact table, with where and how it is applied. */
function install(artefact: FileArtefact, apply: Pick<UpstreamInstall, "serverSide" | "before" | "waitFor">): UpstreamInstall {
  if (artefact.checksum.algorithm !== "sha256") throw new Error(`${artefact.id}: upstream installs are verified by SHA-256`);
  return { id: artefact.id, component: artefact.component, version: artefact.version, url: artefact.urls[0], sha256: artefact.checksum.digest, ...apply };
}

const INSTALLATION_CRD: WaitCondition = { kind: "crd", name: "installations.operator.tigera.io" };
const TIGERA_OPERATOR: WaitCondition = { kind: "deployment", namespace: "tigera-operator", name: "tigera-operator" };

/**
 * A Calico release's installs, in apply order, server-side (its CRDs exceed the client-side
 * annotation limit). Up to 3.29 the operator manifest bundles the CRDs; from 3.30 they come first.
 */
function calicoInstalls(release: (typeof CALICO)[CalicoVersion]): UpstreamInstall[] {
  const apply = { serverSide: true, before: CHART_IDS.cni } as const;
  const crds = "operatorCrds" in release ? [install(release.operatorCrds, { ...apply, waitFor: [INSTALLATION_CRD] })] : [];
  return [...crds, install(release.tigeraOperator, { ...apply, waitFor: crds.length ? [TIGERA_OPERATOR] : [INSTALLATION_CRD, TIGERA_OPERATOR] })];
}

const METALLB_NATIVE: UpstreamInstall = install(METALLB, {
  serverSide: false,
  before: CHART_IDS.metallb,
  // Its validating webhook rejects IPAddressPool/L2Advertisement until the controller serves it.
  waitFor: [
    { kind: "crd", name: "ipaddresspools.metallb.io" },
    { kind: "crd", name: "l2advertisements.metallb.io" },
    { kind: "deployment", namespace: "metallb-system", name: "controller" },
  ],
});

/** Every pinned install, for tests and the cache. */
export const ALL_UPSTREAM_INSTALLS: readonly UpstreamInstall[] = [...Object.values(CALICO).flatMap(calicoInstalls), METALLB_NATIVE];

/** The installs an environment needs, in apply order. ACK needs none (it ships its own CNI and LB). */
export function upstreamInstallsFor(config: LocalConfig): UpstreamInstall[] {
  const calico = calicoInstalls(CALICO[kubernetesRelease(config.kubernetes.version).calico]);
  return [...(config.cni === "calico" ? calico : []), METALLB_NATIVE];
}
