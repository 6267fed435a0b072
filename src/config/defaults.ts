/**
 * Default configuration per environment, taken from the customer's documents where they give a
 * value (VM addresses and sizes, HPA bounds and targets, the Frankfurt deployment) and chosen
 * here where they do not. A `CLUSTERKIT_CONFIG` file overrides any part of it.
 */
import { fromHostNumber, resolveLocalAddresses } from "./addresses";
import { defaultBoxPath } from "./base-image";
import { ackRegistry, BUILT_IMAGE_NAMESPACE, builtImage, localRegistry } from "./built-images";
import type { AckConfig, EnvironmentConfigs, FaasConfig, LocalConfigInput, WebAppConfig } from "./schema";
import type { RuntimeName } from "./runtimes";
import { DEFAULT_KUBERNETES_MINOR } from "./versions";

function webApp(cpuUtilization: number): WebAppConfig {
  // Documents: min 2, max 5; 10 % CPU locally, 4 % on ACK.
  return { enabled: true, namespace: "web", storageSize: "1Gi", https: true, hpa: { minReplicas: 2, maxReplicas: 5, cpuUtilization }, runtime: "runc" };
}

interface FaasDefaults {
  /** Sign-in method (local-users needs no external registration). */
  readonly signIn: "provider" | "local-users";
  /** oauth2-proxy `--redirect-url`. */
  readonly redirectUrl: string;
  /** Email domains allowed to sign in. */
  readonly emailDomains: string[];
  readonly cookieSecure: boolean;
  /** Executors' runtime: gVisor locally (the node bootstrap installs runsc); ACK has no gVisor. */
  readonly executorRuntime: RuntimeName;
  /** JetStream volume size per NATS server. */
  readonly natsStorage: string;
  /** Registry the images this repository builds are pushed to. */
  readonly registry: string;
}

function faas({ signIn, redirectUrl, emailDomains, cookieSecure, executorRuntime, natsStorage, registry }: FaasDefaults): FaasConfig {
  return {
    enabled: true,
    namespace: "faas",
    executorNamespace: "faas-executors",
    oauth2Proxy: {
      provider: "google",
      emailDomains,
      redirectUrl,
      cookieSecure,
      secretName: "oauth2-proxy",
      replicas: 2,
      runtime: "runc",
      signIn,
      localUsers: { names: ["alice", "bob"], emailDomain: "clusterkit.internal" },
    },
    // Built by this repository (`npm run images -- build`); tags from images/images.lock.json.
    // Loading re-derives registry and images from the merged config unless the override sets them.
    registry,
    frontend: { image: builtImage(registry, "frontend"), hpa: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 }, port: 3000, runtime: "runc" },
    middleware: { image: builtImage(registry, "middleware"), hpa: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }, port: 8080, runtime: "runc" },
    nats: { replicas: 3, storageSize: natsStorage, runtime: "runc" },
    executors: {
      runtime: executorRuntime,
      // Covers compile + run + 15 s of start and report (checked in rules.ts).
      deadlineSeconds: 60,
      cpuLimit: "500m",
      limits: { compileTimeoutSeconds: 30, runTimeoutSeconds: 10, memory: "256Mi", output: "1Mi", processes: 128 },
      maxPods: 20,
      images: { go: builtImage(registry, "executor-go"), javascript: builtImage(registry, "executor-javascript"), c: builtImage(registry, "executor-c") },
    },
  };
}

/** As written: addresses are host numbers inside network.cidr (the documents' .11, .21, .22, .30, .200-.250). */
export function localDefaults(): LocalConfigInput {
  const cidr = "192.168.60.0/24";
  const nfsHost = 30;
  return {
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
    kubeconfigPath: "state/local/kubeconfig",
    webApp: webApp(10),
    // Reached only from this host (port-forward, as in the documents), which admitted any Google account.
    faas: faas({ signIn: "local-users", redirectUrl: "http://localhost:8087/oauth2/callback", emailDomains: ["*"], cookieSecure: false, executorRuntime: "gvisor", natsStorage: "5Gi", registry: localRegistry(fromHostNumber(cidr, nfsHost)) }),
  };
}

function ackDefaults(name: "ack-managed" | "ack-dedicated"): AckConfig {
  const zones = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];
  const region = "eu-central-1";
  return {
    region,
    kubernetes: {
      version: DEFAULT_KUBERNETES_MINOR,
      podCidr: "10.244.0.0/16",
      serviceCidr: "172.21.0.0/20",
      // The documents' dedicated cluster used k8s-majasi.cluster (Table 7).
      clusterDomain: name === "ack-dedicated" ? "k8s-majasi.cluster" : "cluster.local",
    },
    cluster: {
      name: name === "ack-dedicated" ? "cluster-tfg" : "clusterkit-managed",
      spec: "ack.pro.small",
      cni: "terway",
      proxyMode: "ipvs",
      deletionProtection: true,
      publicApiServer: true,
      addons: [
        { name: "csi-plugin" },
        { name: "csi-provisioner" },
        { name: "alb-ingress-controller" },
        { name: "arms-prometheus" },
        { name: "logtail-ds" },
      ],
    },
    network: {
      vpcCidr: "172.16.0.0/16",
      vswitches: zones.map((zone, i) => ({ zone, cidr: `172.16.${i * 16}.0/20` })),
      podVswitches: zones.map((zone, i) => ({ zone, cidr: `172.16.${64 + i * 32}.0/19` })),
    },
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
    sandboxedNodePool: { enabled: false, name: "sandboxed-pool", instanceTypes: ["ecs.ebmg7.32xlarge"], desiredSize: 1, systemDisk: { category: "cloud_essd", sizeGiB: 120 } },
    masters: { count: 3, instanceType: "ecs.g7a.large", diskSizeGiB: 50, diskCategory: "cloud_essd" },
    allowDedicatedDeploy: false,
    nas: { storageType: "Capacity", path: "/" },
    serviceRoles: "existing",
    backend: { type: "local", path: `state/${name}/terraform.tfstate` },
    // Personal edition; the images hold no secret, so public pulls keep nodes credential-free.
    containerRegistry: { namespace: BUILT_IMAGE_NAMESPACE, visibility: "PUBLIC" },
    kubeconfigPath: `state/${name}/kubeconfig`,
    tags: { project: "clusterkit", environment: name, "managed-by": "terraform" },
    webApp: { ...webApp(4), host: "web.example.com" },
    // Public: placeholders that deploy refuses until set (src/deploy/placeholders.ts). Cloud disks start at 20 GiB.
    faas: faas({ signIn: "provider", redirectUrl: "https://faas.example.com/oauth2/callback", emailDomains: ["example.com"], cookieSecure: true, executorRuntime: "runc", natsStorage: "20Gi", registry: ackRegistry(region) }),
  };
}

/** Fresh default configs as written, before addresses are resolved (what a config file overrides). */
export function defaultInputs(): { local: LocalConfigInput; "ack-managed": AckConfig; "ack-dedicated": AckConfig } {
  return { local: localDefaults(), "ack-managed": ackDefaults("ack-managed"), "ack-dedicated": ackDefaults("ack-dedicated") };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Defaults that follow other fields, applied to the merged config before validation: unless the
 * override sets them, the registry follows the NFS node's address (local) or `region` (ACK), and the service's
 * images follow the registry. So moving the NFS node moves the image references with it.
 */
export function applyDerivedDefaults(env: "local" | "ack-managed" | "ack-dedicated", merged: unknown, override: unknown): void {
  if (!isRecord(merged) || !isRecord(merged.faas)) return;
  const faas = merged.faas;
  const o = isRecord(override) && isRecord(override.faas) ? override.faas : {};
  const set = (obj: unknown, key: string) => isRecord(obj) && obj[key] !== undefined;
  if (!set(o, "registry")) {
    if (env === "local" && isRecord(merged.nfs)) {
      // The NFS node's address, written or from its host number inside network.cidr (addresses.ts).
      const cidr = isRecord(merged.network) ? merged.network.cidr : undefined;
      const ip = typeof merged.nfs.ip === "string" ? merged.nfs.ip : typeof merged.nfs.hostNumber === "number" && typeof cidr === "string" ? fromHostNumber(cidr, merged.nfs.hostNumber) : undefined;
      if (ip) faas.registry = localRegistry(ip);
    }
    if (env !== "local" && typeof merged.region === "string") faas.registry = ackRegistry(merged.region);
  }
  const registry = faas.registry;
  if (typeof registry !== "string") return;
  if (isRecord(faas.frontend) && !set(o.frontend, "image")) faas.frontend = { ...faas.frontend, image: builtImage(registry, "frontend") };
  if (isRecord(faas.middleware) && !set(o.middleware, "image")) faas.middleware = { ...faas.middleware, image: builtImage(registry, "middleware") };
  if (isRecord(faas.executors) && isRecord(faas.executors.images)) {
    const oi = isRecord(o.executors) && isRecord(o.executors.images) ? o.executors.images : {};
    const images = { ...faas.executors.images };
    if (!set(oi, "go")) images.go = builtImage(registry, "executor-go");
    if (!set(oi, "javascript")) images.javascript = builtImage(registry, "executor-javascript");
    if (!set(oi, "c")) images.c = builtImage(registry, "executor-c");
    faas.executors = { ...faas.executors, images };
  }
}

/** Fresh default configs with every address resolved (callers may mutate the returned objects). */
export function defaultConfigs(): EnvironmentConfigs {
  const inputs = defaultInputs();
  return { ...inputs, local: resolveLocalAddresses(inputs.local) };
}
