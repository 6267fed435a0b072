/**
 * Upstream installs the project does not vendor: each is fetched by the deploy step from a
 * version-pinned URL, verified against its SHA-256 (a mismatch is refused), cached, and applied
 * right before the chart file named in `before`, then waited for as listed in `waitFor`.
 */
import type { LocalConfig } from "./schema";
import { kubernetesRelease } from "./versions";

/** Something the deploy step waits for after applying an install. */
export type WaitCondition =
  | { readonly kind: "crd"; readonly name: string }
  | { readonly kind: "deployment"; readonly namespace: string; readonly name: string };

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
  /** Apply right before the manifest file whose name starts with this prefix (e.g. `10-`). */
  readonly before: string;
  readonly waitFor: readonly WaitCondition[];
}

const CALICO_3_29_7: readonly UpstreamInstall[] = [
  {
    id: "tigera-operator-v3.29.7",
    component: "Calico (Tigera operator v1.36.16, CRDs included)",
    version: "v3.29.7",
    url: "https://raw.githubusercontent.com/projectcalico/calico/v3.29.7/manifests/tigera-operator.yaml",
    sha256: "a571ef21476c026618a7c7b092a3ab1744ec191e02492655d8c1468ac08f25f2",
    serverSide: true,
    before: "10-",
    waitFor: [
      { kind: "crd", name: "installations.operator.tigera.io" },
      { kind: "deployment", namespace: "tigera-operator", name: "tigera-operator" },
    ],
  },
];

const CALICO_3_32_1: readonly UpstreamInstall[] = [
  {
    id: "calico-operator-crds-v3.32.1",
    component: "Calico operator CRDs",
    version: "v3.32.1",
    url: "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/operator-crds.yaml",
    sha256: "192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71",
    serverSide: true,
    before: "10-",
    waitFor: [{ kind: "crd", name: "installations.operator.tigera.io" }],
  },
  {
    id: "tigera-operator-v3.32.1",
    component: "Calico (Tigera operator v1.42.3)",
    version: "v3.32.1",
    url: "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/tigera-operator.yaml",
    sha256: "f18e073794207d372606bc3ea6f8fd73972f86d6828f4ba666dfe0d4aa8ab07f",
    serverSide: true,
    before: "10-",
    waitFor: [{ kind: "deployment", namespace: "tigera-operator", name: "tigera-operator" }],
  },
];

export const METALLB_NATIVE: UpstreamInstall = {
  id: "metallb-native-v0.16.1",
  component: "MetalLB (native, L2)",
  version: "v0.16.1",
  url: "https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml",
  sha256: "bf25feebb7582ca7df845efd52ffbc2960d6cbf4cfc972f47fded9f788b67f0b",
  serverSide: false,
  before: "30-",
  // Its validating webhook rejects IPAddressPool/L2Advertisement until the controller serves it.
  waitFor: [
    { kind: "crd", name: "ipaddresspools.metallb.io" },
    { kind: "crd", name: "l2advertisements.metallb.io" },
    { kind: "deployment", namespace: "metallb-system", name: "controller" },
  ],
};

/** Every pinned install, for tests and the cache. */
export const ALL_UPSTREAM_INSTALLS: readonly UpstreamInstall[] = [...CALICO_3_29_7, ...CALICO_3_32_1, METALLB_NATIVE];

/** The installs an environment needs, in apply order. ACK needs none (it ships its own CNI and LB). */
export function upstreamInstallsFor(config: LocalConfig): UpstreamInstall[] {
  const calico = kubernetesRelease(config.kubernetes.version).calico === "v3.29.7" ? CALICO_3_29_7 : CALICO_3_32_1;
  return [...(config.cni === "calico" ? calico : []), METALLB_NATIVE];
}
