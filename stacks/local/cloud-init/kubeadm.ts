/**
 * kubeadm configuration files. The config API follows the Kubernetes minor (`versions.ts`):
 * v1beta3 (1.30) writes `kubeletExtraArgs` as a map, v1beta4 (1.31+) as a list of {name, value}.
 */
import { stringify } from "yaml";
import { BOOTSTRAP_TOKEN_GROUP } from "../../../src/contracts/bootstrap-token";
import { LOCAL_RUNTIME_CLASSES } from "../../../src/contracts/runtimes";
import type { LocalConfig } from "../../../src/config/schema";
import { type KubernetesRelease, kubernetesRelease } from "../../../src/config/versions";
import { API_SERVER_PORT } from "../../../src/contracts/ports";
import { POD_PIDS_LIMIT } from "../../../service/contract/executor";

/** containerd's CRI socket (Ubuntu's containerd package). */
const CRI_SOCKET = "unix:///run/containerd/containerd.sock";
/** Where the seeds put kubeadm's inputs on the node. */
export const KUBEADM_INIT_CONFIG = "/etc/clusterkit/kubeadm-init.yaml";
export const KUBEADM_JOIN_CONFIG = "/etc/clusterkit/kubeadm-join.yaml";
export const DISCOVERY_KUBECONFIG = "/etc/clusterkit/discovery.conf";
/** Bootstrap token lifetime: long enough for the slowest worker of a fresh cluster. */
export const BOOTSTRAP_TOKEN_TTL = "24h0m0s";

function kubeletExtraArgs(release: KubernetesRelease, args: Record<string, string>): unknown {
  if (release.kubeadmApi === "kubeadm.k8s.io/v1beta3") return args;
  return Object.entries(args).map(([name, value]) => ({ name, value }));
}

function nodeRegistration(config: LocalConfig, release: KubernetesRelease, name: string, ip: string) {
  const labels = nodeLabels(config);
  // node-ip: otherwise every node registers the NAT address 10.0.2.15 and logs/exec break.
  return { name, criSocket: CRI_SOCKET, kubeletExtraArgs: kubeletExtraArgs(release, { "node-ip": ip, ...(labels ? { "node-labels": labels } : {}) }) };
}

/**
 * Labels a node registers with: where Kata is installed (every Kubernetes node when it is on), the
 * label its RuntimeClass schedules on. Kubelets may set labels under this prefix themselves.
 */
function nodeLabels(config: LocalConfig): string | undefined {
  if (!config.runtimes.kata.enabled) return undefined;
  return Object.entries(LOCAL_RUNTIME_CLASSES.kata.nodeSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function documents(docs: readonly object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
}

/** InitConfiguration + ClusterConfiguration + KubeletConfiguration for `kubeadm init` on the control plane. */
export function kubeadmInitConfig(config: LocalConfig, bootstrapToken: string): string {
  const release = kubernetesRelease(config.kubernetes.version);
  const cp = config.controlPlane;
  return documents([
    {
      apiVersion: release.kubeadmApi,
      kind: "InitConfiguration",
      bootstrapTokens: [
        {
          token: bootstrapToken,
          ttl: BOOTSTRAP_TOKEN_TTL,
          groups: [BOOTSTRAP_TOKEN_GROUP],
          usages: ["signing", "authentication"],
        },
      ],
      localAPIEndpoint: { advertiseAddress: cp.ip, bindPort: API_SERVER_PORT },
      nodeRegistration: nodeRegistration(config, release, cp.name, cp.ip),
    },
    {
      apiVersion: release.kubeadmApi,
      kind: "ClusterConfiguration",
      clusterName: config.kubernetes.clusterName,
      kubernetesVersion: `v${release.patch}`,
      controlPlaneEndpoint: `${cp.ip}:${API_SERVER_PORT}`,
      networking: { podSubnet: config.kubernetes.podCidr, serviceSubnet: config.kubernetes.serviceCidr },
      apiServer: { certSANs: [cp.ip, cp.name] },
    },
    // podPidsLimit bounds a fork bomb in an executor Pod (joining workers take this config from the cluster).
    { apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd", podPidsLimit: POD_PIDS_LIMIT },
  ]);
}

/**
 * JoinConfiguration for a worker: file discovery, i.e. the API server is trusted only if it presents
 * a certificate from the CA inside the discovery kubeconfig. Never `unsafeSkipCAVerification`.
 */
export function kubeadmJoinConfig(config: LocalConfig, name: string, ip: string, bootstrapToken: string): string {
  const release = kubernetesRelease(config.kubernetes.version);
  return documents([
    {
      apiVersion: release.kubeadmApi,
      kind: "JoinConfiguration",
      discovery: { file: { kubeConfigPath: DISCOVERY_KUBECONFIG }, tlsBootstrapToken: bootstrapToken },
      nodeRegistration: nodeRegistration(config, release, name, ip),
    },
  ]);
}
