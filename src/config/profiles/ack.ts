/**
 * The ACK platform: Alibaba Cloud Container Service for Kubernetes in a VPC of its own, with NAS
 * for shared storage, cloud disks for the rest, and an ALB Ingress in front. The flavour is a field,
 * `cluster.type`: `managed` (ACK runs the control plane) or `dedicated` (masters in our account).
 * Any number of ACK environments may exist (regions, accounts): the shipped `ack-managed` and
 * `ack-dedicated` are presets, a config file adds more under new names.
 */
import { ackRegistry, BUILT_IMAGE_NAMESPACE } from "../built-images";
import { ackProblems } from "../rules";
import { type AckClusterType, type AckConfig, ackSchema } from "../schema";
import { statePath } from "../../contracts/state-paths";
import { DEFAULT_KUBERNETES_MINOR } from "../versions";
import { faas, imagesFollowRegistry, isRecord, overridesRegistry, webApp } from "../workload-defaults";
import type { PlatformProfile } from "./profile";
import { API_SERVER_PORT } from "../../contracts/ports";

/** The documents' region (Frankfurt). */
const DEFAULT_ACK_REGION = "eu-central-1";

/** Ports of the API server inside the VPC and behind its Service address (443). */
const API_SERVER_PORTS = [API_SERVER_PORT, 443];

/**
 * Zones of the default vSwitches: the region's zones a, b and c, named as Alibaba names zones
 * (`eu-central-1a`, `cn-hangzhou-a`). A region whose zones have other letters needs
 * `network.vswitches` and `network.podVswitches` written out (the rules check each zone is in the region).
 */
function defaultZones(region: string): string[] {
  return ["a", "b", "c"].map((z) => (/\d$/.test(region) ? `${region}${z}` : `${region}-${z}`));
}

/** A vSwitch per default zone of `region` for the nodes, and one per zone for Terway's pods. */
function defaultNetwork(region: string): AckConfig["network"] {
  const zones = defaultZones(region);
  return {
    vpcCidr: "172.16.0.0/16",
    vswitches: zones.map((zone, i) => ({ zone, cidr: `172.16.${i * 16}.0/20` })),
    podVswitches: zones.map((zone, i) => ({ zone, cidr: `172.16.${64 + i * 32}.0/19` })),
  };
}

/** The defaults of an ACK environment named `name` (a managed cluster in the documents' region). */
function ackDefaults(name: string, region = DEFAULT_ACK_REGION, type: AckClusterType = "managed"): AckConfig {
  return {
    platform: "ack",
    region,
    kubernetes: {
      version: DEFAULT_KUBERNETES_MINOR,
      podCidr: "10.244.0.0/16",
      serviceCidr: "172.21.0.0/20",
      clusterDomain: "cluster.local",
    },
    cluster: {
      type,
      name,
      spec: "ack.pro.small",
      cni: "terway",
      proxyMode: "ipvs",
      deletionProtection: true,
      publicApiServer: true,
      addons: [{ name: "csi-plugin" }, { name: "csi-provisioner" }, { name: "alb-ingress-controller" }, { name: "arms-prometheus" }, { name: "logtail-ds" }],
    },
    network: defaultNetwork(region),
    nodePool: {
      name: "k8s-nodepool",
      instanceTypes: ["ecs.g5.xlarge"],
      desiredSize: 2,
      autoscaling: { enabled: true, minSize: 2, maxSize: 5 },
      systemDisk: { category: "cloud_essd", sizeGiB: 50 },
      imageType: "AliyunLinux3",
      keyPair: { name: `${name}-nodes` },
      labels: {},
      taints: [],
    },
    // ACK's sandboxed containers run on ECS Bare Metal only (whole servers: 128 vCPU / 512 GiB for
    // ebmg7.32xlarge, 32 times a g5.xlarge), so the pool is off unless asked for.
    sandboxedNodePool: {
      enabled: false,
      name: "sandboxed-pool",
      instanceTypes: ["ecs.ebmg7.32xlarge"],
      desiredSize: 1,
      systemDisk: { category: "cloud_essd", sizeGiB: 120 },
    },
    masters: { count: 3, instanceType: "ecs.g7a.large", diskSizeGiB: 50, diskCategory: "cloud_essd" },
    allowDedicatedDeploy: false,
    nas: { storageType: "Capacity", path: "/" },
    serviceRoles: "existing",
    backend: { type: "local", path: statePath(name, "terraform.tfstate") },
    // Personal edition; the images hold no secret, so public pulls keep nodes credential-free.
    containerRegistry: { namespace: BUILT_IMAGE_NAMESPACE, visibility: "PUBLIC" },
    kubeconfigPath: statePath(name, "kubeconfig"),
    tags: { project: "clusterkit", environment: name, "managed-by": "terraform" },
    webApp: { ...webApp(4), host: "web.example.com" },
    // Public: placeholders that deploy refuses until set (src/deploy/placeholders.ts). Cloud disks start at 20 GiB.
    faas: faas({
      signIn: "provider",
      redirectUrl: "https://faas.example.com/oauth2/callback",
      emailDomains: ["example.com"],
      cookieSecure: true,
      executorRuntime: "runc",
      natsStorage: "20Gi",
      registry: ackRegistry(region),
    }),
  };
}

export const ackProfile: PlatformProfile<AckConfig, AckConfig> = {
  platform: "ack",
  title: "Alibaba Cloud ACK",
  schema: ackSchema,
  singleton: false,
  defaults: (name) => ackDefaults(name),
  applyDerivedDefaults(merged, override) {
    // Unless written, the zones of the default vSwitches and the registry follow `region`.
    const o = isRecord(override) ? override : {};
    const region = merged.region;
    if (typeof region === "string" && region !== DEFAULT_ACK_REGION && isRecord(merged.network)) {
      const defaults = defaultNetwork(region);
      const written = isRecord(o.network) ? o.network : {};
      merged.network = {
        ...merged.network,
        ...(written.vswitches === undefined ? { vswitches: defaults.vswitches } : {}),
        ...(written.podVswitches === undefined ? { podVswitches: defaults.podVswitches } : {}),
      };
    }
    if (!overridesRegistry(override) && isRecord(merged.faas) && typeof region === "string") merged.faas.registry = ackRegistry(region);
    imagesFollowRegistry(merged, override);
  },
  resolve: (input) => input,
  problems: (name, config, report) => ackProblems(name, config, report),
  facts: (_name, c) => {
    const flannel = c.cluster.cni === "flannel";
    const pool = c.nodePool;
    return {
      cni: { name: c.cluster.cni, enforcesPolicy: !flannel, field: "cluster.cni", fix: 'cluster.cni: "terway" (chosen at cluster creation)' },
      clusterDomain: c.kubernetes.clusterDomain,
      // Terway gives pods addresses from the pod vSwitches; Flannel from the pod CIDR.
      podCidrs: flannel ? [c.kubernetes.podCidr] : c.network.podVswitches.map((p) => p.cidr),
      // With Flannel, ALB cannot reach pod IPs and needs NodePort backends. ALB reaches the pods
      // from its vSwitch addresses inside the VPC.
      exposure: { kind: "albIngress", serviceType: flannel ? "NodePort" : "ClusterIP", trustedProxyCidr: c.network.vpcCidr },
      // The API server's internal load balancer gets its VPC address only at creation, after the
      // manifests are written: the whole VPC is allowed.
      apiServerEndpoints: [{ cidr: c.network.vpcCidr, ports: API_SERVER_PORTS }],
      maxWorkloadNodes: pool.autoscaling.enabled ? Math.max(pool.autoscaling.maxSize, pool.desiredSize) : pool.desiredSize,
      // The pool's nodes, plus the masters (which register as nodes) on a dedicated cluster.
      expectedNodes: pool.desiredSize + (c.cluster.type === "dedicated" ? c.masters.count : 0),
      installsCni: false,
      blockStorage: "cloud-disks",
      workloadsOnControlPlane: false,
      stateLocation: c.backend.type === "local" ? c.backend.path : `OSS bucket ${c.backend.bucket}`,
      clusterLabel: c.cluster.type === "dedicated" ? "ACK dedicated" : "ACK managed",
    };
  },
};
