/**
 * The local platform: VirtualBox VMs on a host-only network that bootstrap themselves into a
 * kubeadm cluster, MetalLB for LoadBalancer Services, NFS and local volumes for storage. One per
 * machine (VM names and the host-only network belong to the machine): the `local` preset.
 */
import { fromHostNumber, resolveLocalAddresses } from "../addresses";
import { defaultBoxPath } from "../base-image";
import { localRegistry } from "../built-images";
import { localProblems } from "../rules";
import { type LocalConfig, type LocalConfigInput, localSchema } from "../schema";
import { STATE_FILES, statePath } from "../../contracts/state-paths";
import { DEFAULT_KUBERNETES_MINOR } from "../versions";
import { faas, imagesFollowRegistry, isRecord, overridesRegistry, webApp } from "../workload-defaults";
import type { PlatformProfile } from "./profile";
import { API_SERVER_PORT } from "../../contracts/ports";

/** As written: addresses are host numbers inside network.cidr (the documents' .11, .21, .22, .30, .200-.250). */
function localDefaults(name: string): LocalConfigInput {
  const cidr = "192.168.60.0/24";
  const nfsHost = 30;
  return {
    platform: "local",
    kubernetes: { version: DEFAULT_KUBERNETES_MINOR, podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", clusterName: "clusterkit" },
    network: {
      cidr,
      hostInterface: "vboxnet0",
      guestInterface: "enp0s8",
      natInterface: "enp0s3",
      natCidr: "10.0.2.0/24",
    },
    image: { path: defaultBoxPath() },
    provider: { delaySeconds: 150, minTimeoutSeconds: 5 },
    controlPlane: { name: "master01", hostNumber: 11, cpus: 3, memoryMiB: 4096 },
    workers: [
      { name: "worker01", hostNumber: 21, cpus: 3, memoryMiB: 4096 },
      { name: "worker02", hostNumber: 22, cpus: 3, memoryMiB: 4096 },
    ],
    nfs: { name: "nfs01", hostNumber: nfsHost, cpus: 1, memoryMiB: 1536, exportPath: "/srv/nfs/k8s" },
    cni: "calico",
    // gVisor needs no virtualization; Kata needs nested virtualization in the VMs (opt-in).
    runtimes: { gvisor: { enabled: true }, kata: { enabled: false } },
    metallb: { firstHostNumber: 200, lastHostNumber: 250 },
    localVolumes: { path: "/var/lib/clusterkit/volumes", perNode: 3 },
    kubeconfigPath: statePath(name, "kubeconfig"),
    webApp: webApp(10),
    // Reached only from this host (port-forward, as in the documents), which admitted any Google account.
    faas: faas({
      signIn: "local-users",
      redirectUrl: "http://localhost:8087/oauth2/callback",
      emailDomains: ["*"],
      cookieSecure: false,
      executorRuntime: "gvisor",
      natsStorage: "5Gi",
      registry: localRegistry(fromHostNumber(cidr, nfsHost)),
    }),
  };
}

export const localProfile: PlatformProfile<LocalConfigInput, LocalConfig> = {
  platform: "local",
  title: "VirtualBox + kubeadm",
  schema: localSchema,
  singleton: true,
  defaults: localDefaults,
  applyDerivedDefaults(merged, override) {
    // The registry runs on the NFS node: its address, written or from its host number inside network.cidr.
    if (!overridesRegistry(override) && isRecord(merged.faas) && isRecord(merged.nfs)) {
      const cidr = isRecord(merged.network) ? merged.network.cidr : undefined;
      const nfs = merged.nfs;
      const ip =
        typeof nfs.ip === "string" ? nfs.ip : typeof nfs.hostNumber === "number" && typeof cidr === "string" ? fromHostNumber(cidr, nfs.hostNumber) : undefined;
      if (ip) merged.faas.registry = localRegistry(ip);
    }
    imagesFollowRegistry(merged, override);
  },
  resolve: resolveLocalAddresses,
  problems: (_name, config, report) => localProblems(config, report),
  facts: (name, c) => ({
    cni: { name: c.cni, enforcesPolicy: c.cni !== "flannel", field: "cni", fix: 'cni: "calico"' },
    // kubeadm's default; the local schema has no field for it.
    clusterDomain: "cluster.local",
    podCidrs: [c.kubernetes.podCidr],
    // Clients connect directly (MetalLB, port-forward): no proxy in front.
    exposure: { kind: "loadBalancer" },
    apiServerEndpoints: [{ cidr: `${c.controlPlane.ip}/32`, ports: [API_SERVER_PORT] }],
    maxWorkloadNodes: c.workers.length,
    // Every VM but the NFS server is a node.
    expectedNodes: 1 + c.workers.length,
    installsCni: true,
    blockStorage: "local-volumes",
    workloadsOnControlPlane: true,
    stateLocation: statePath(name, STATE_FILES.terraformState),
    clusterLabel: "kubeadm",
  }),
};
