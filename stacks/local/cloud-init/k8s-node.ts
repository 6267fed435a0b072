/** user-data of the Kubernetes nodes: common node preparation plus the control-plane or worker part. */
import type { LocalConfig, VmConfig } from "../../../src/config/schema";
import { kubernetesRelease } from "../../../src/config/versions";
import { kubeconfigYaml } from "../kubeconfig";
import { type ClusterNode, apiServerUrl, clusterNodes } from "../../../src/contracts/local-nodes";
import { type CloudConfigDoc, type WriteFile, scriptFile } from "./cloud-config";
import { etcHosts } from "./hosts";
import { BOOTSTRAP_TOKEN_TTL, DISCOVERY_KUBECONFIG, KUBEADM_INIT_CONFIG, KUBEADM_JOIN_CONFIG, kubeadmInitConfig, kubeadmJoinConfig } from "./kubeadm";
import { bootFiles } from "./boot";
import { BOOTSTRAP_TOKEN_SCRIPT, bootstrapTokenScript } from "./scripts/bootstrap-token";
import { GVISOR_SCRIPT, gvisorScript } from "./scripts/gvisor";
import { KATA_SCRIPT, kataScript } from "./scripts/kata";
import { KUBEADM_INIT_SCRIPT, STAGED_CA_CERT, STAGED_CA_KEY, kubeadmInitScript } from "./scripts/kubeadm-init";
import { KUBEADM_JOIN_SCRIPT, kubeadmJoinScript } from "./scripts/kubeadm-join";
import { LOCAL_VOLUMES_SCRIPT, localVolumesScript } from "./scripts/local-volumes";
import { localVolumeDirs } from "../../../src/contracts/storage";
import { nodeAccessConfig } from "./node-access";
import { NODE_PREP_SCRIPT, nodePrepScript } from "./scripts/node-prep";
import { CONTAINERD_CERTS_DIR, registryHostsFile } from "./registry";
import { localRegistryHost } from "../../../src/contracts/registry";
import { CONTAINERD_REGISTRY_SCRIPT, containerdRegistryScript } from "./scripts/containerd-registry";
import { PACKAGES_SCRIPT } from "./scripts/packages";
import type { NodeSecrets } from "./secrets";

/** The CA on workers: not under /etc/kubernetes/pki, whose ca.crt makes `kubeadm join` preflight fail. */
export const WORKER_CA_FILE = "/etc/clusterkit/ca.crt";

const MODULES = "overlay\nbr_netfilter\n";
const SYSCTLS = ["net.bridge.bridge-nf-call-iptables = 1", "net.bridge.bridge-nf-call-ip6tables = 1", "net.ipv4.ip_forward = 1"].join("\n") + "\n";
const CRICTL = "runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n";

function commonFiles(config: LocalConfig): WriteFile[] {
  const release = kubernetesRelease(config.kubernetes.version);
  return [
    { path: "/etc/hosts", content: etcHosts(clusterNodes(config)), permissions: "0644" },
    { path: "/etc/modules-load.d/clusterkit-k8s.conf", content: MODULES, permissions: "0644" },
    { path: "/etc/sysctl.d/99-clusterkit-k8s.conf", content: SYSCTLS, permissions: "0644" },
    { path: "/etc/crictl.yaml", content: CRICTL, permissions: "0644" },
    scriptFile(NODE_PREP_SCRIPT, nodePrepScript(config.kubernetes.version, release)),
    // Every Kubernetes node offers local volumes (src/contracts/storage.ts).
    scriptFile(LOCAL_VOLUMES_SCRIPT, localVolumesScript(localVolumeDirs(config))),
    // Images this repository builds come from the local registry on the NFS node (registry.ts).
    registryHostsFile(localRegistryHost(config)),
    scriptFile(CONTAINERD_REGISTRY_SCRIPT, containerdRegistryScript(CONTAINERD_CERTS_DIR, localRegistryHost(config))),
    // Sandboxed runtimes on every node that runs workloads (NATS runs on the control plane too).
    ...(config.runtimes.gvisor.enabled ? [scriptFile(GVISOR_SCRIPT, gvisorScript())] : []),
    ...(config.runtimes.kata.enabled ? [scriptFile(KATA_SCRIPT, kataScript())] : []),
  ];
}

/** The runtime installs, after containerd is set up and before the node registers with Kubernetes. */
function runtimeSteps(config: LocalConfig): string[] {
  return [...(config.runtimes.gvisor.enabled ? [GVISOR_SCRIPT] : []), ...(config.runtimes.kata.enabled ? [KATA_SCRIPT] : [])];
}

function controlPlaneFiles(config: LocalConfig, secrets: NodeSecrets): WriteFile[] {
  return [
    // Staged outside /etc/kubernetes/pki: the init script copies them there before each attempt.
    { path: STAGED_CA_CERT, content: secrets.caCertPemBase64, encoding: "b64", permissions: "0644", owner: "root:root" },
    { path: STAGED_CA_KEY, content: secrets.caKeyPemBase64, encoding: "b64", permissions: "0600", owner: "root:root" },
    { path: KUBEADM_INIT_CONFIG, content: kubeadmInitConfig(config, secrets.bootstrapToken), permissions: "0600", owner: "root:root" },
    scriptFile(KUBEADM_INIT_SCRIPT, kubeadmInitScript({ configPath: KUBEADM_INIT_CONFIG })),
    // Not run at boot: for adding workers once the first token's TTL is over (docs/local.md).
    scriptFile(BOOTSTRAP_TOKEN_SCRIPT, bootstrapTokenScript(KUBEADM_INIT_CONFIG, BOOTSTRAP_TOKEN_TTL)),
  ];
}

function workerFiles(config: LocalConfig, vm: VmConfig, secrets: NodeSecrets): WriteFile[] {
  const discovery = kubeconfigYaml({
    clusterName: config.kubernetes.clusterName,
    server: apiServerUrl(config),
    caCertPemBase64: secrets.caCertPemBase64,
    userName: "kubeadm-discovery",
  });
  const files: WriteFile[] = [
    { path: WORKER_CA_FILE, content: secrets.caCertPemBase64, encoding: "b64", permissions: "0644", owner: "root:root" },
    { path: DISCOVERY_KUBECONFIG, content: discovery, permissions: "0600", owner: "root:root" },
    { path: KUBEADM_JOIN_CONFIG, content: kubeadmJoinConfig(config, vm.name, vm.ip, secrets.bootstrapToken), permissions: "0600", owner: "root:root" },
    scriptFile(KUBEADM_JOIN_SCRIPT, kubeadmJoinScript({ apiServer: apiServerUrl(config), caFile: WORKER_CA_FILE, configPath: KUBEADM_JOIN_CONFIG })),
  ];
  return files;
}

/** Distribution packages of a Kubernetes node (installed by the packages boot step, with retries). */
const K8S_NODE_PACKAGES = ["ca-certificates", "curl", "gpg", "containerd", "nfs-common"] as const;

/** The packages a node installs: Kata's release is a zstd tarball. */
function nodePackages(config: LocalConfig): string[] {
  return [...K8S_NODE_PACKAGES, ...(config.runtimes.kata.enabled ? ["zstd"] : [])];
}

/** Boot steps in order: packages, prepare and volumes, then the sandboxed runtimes before kubeadm, so Pods find them. */
function bootSteps(config: LocalConfig, role: "control-plane" | "worker"): string[] {
  const before = [PACKAGES_SCRIPT, NODE_PREP_SCRIPT, CONTAINERD_REGISTRY_SCRIPT, LOCAL_VOLUMES_SCRIPT, ...runtimeSteps(config)];
  return [...before, role === "control-plane" ? KUBEADM_INIT_SCRIPT : KUBEADM_JOIN_SCRIPT];
}

export function kubernetesNodeCloudConfig(config: LocalConfig, node: ClusterNode & { role: "control-plane" | "worker" }, secrets: NodeSecrets): CloudConfigDoc {
  const roleFiles = node.role === "control-plane" ? controlPlaneFiles(config, secrets) : workerFiles(config, node.vm, secrets);
  return {
    hostname: node.vm.name,
    preserve_hostname: false,
    // We write the whole /etc/hosts ourselves (every node by host-only address).
    manage_etc_hosts: false,
    ...nodeAccessConfig(secrets),
    // No cloud-init `packages:`: it neither retries nor stops the boot steps (see scripts/packages.ts).
    ...bootFiles(bootSteps(config, node.role), nodePackages(config), [...commonFiles(config), ...roleFiles]),
  };
}
