/**
 * The environment model: one typed description per environment, validated with zod (shape and
 * per-field rules) and then by `rules.ts` (cross-field rules). Defaults live in `defaults.ts`.
 */
import { z } from "zod";
import { quote } from "../errors";
import { REGISTRY_PATTERN } from "./built-images";
import {
  byteQuantity,
  cidrBlock,
  cpuQuantity,
  dataDirectory,
  dnsLabel,
  dnsName,
  filePath,
  grammar,
  hostInterfaceName,
  imageRef,
  intRange,
  keyPairName,
  labelKey,
  labelValue,
  linuxInterfaceName,
  namespace,
  plainAbsolutePath,
  tagKey,
  tagValue,
  webUrl,
  zoneId,
} from "./grammars";
import { parseIp } from "./ipv4";
import { RUNTIMES } from "./runtimes";
import { type EnvironmentKind, supportedMinors } from "./versions";

/**
 * The shipped environments: presets of the platform profiles (src/config/profiles/). A
 * CLUSTERKIT_CONFIG file may add more (`platform: ack` under a new name); see `environmentNames`.
 */
export const PRESET_NAMES = ["local", "ack-managed", "ack-dedicated"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/** @deprecated the shipped presets only; an environment may be any name the config defines. */
export const ENVIRONMENT_NAMES = PRESET_NAMES;
/** An environment's name: a shipped preset or one the config file adds (DNS-1123 label). */
export type EnvironmentName = string;

/** The platforms, each with one profile (src/config/profiles/): VirtualBox + kubeadm, Alibaba ACK. */
export const PLATFORMS = ["local", "ack"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** ACK cluster flavours: managed control plane (ACK Pro/Basic) or masters in our account (Dedicated). */
const ACK_CLUSTER_TYPES = ["managed", "dedicated"] as const;
export type AckClusterType = (typeof ACK_CLUSTER_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

/**
 * A file path Terraform writes (kubeconfig, local state): relative to the project root or absolute.
 * Where it may point (inside state/<env>/, never onto clusterkit's own files) is checked per
 * environment in rules.ts and again on use (state-paths.ts).
 */
const projectPath = filePath;

const ipv4 = z.string().refine((s) => parseIp(s) !== undefined, { error: "must be an IPv4 address like 192.168.60.11" });

/** A pinned image reference, by the OCI grammar (oci-reference.ts). */
const image = imageRef;

/** The container runtime a workload's Pods run under (runtimes.ts); the environment must install it. */
const runtime = z.enum(RUNTIMES, { error: `must be one of ${RUNTIMES.join(", ")}` });

/** Storage sizes (volumes) and memory sizes (limits). */
const storageSize = byteQuantity("64Ti");
const memorySize = byteQuantity("256Gi");

/** A Kubernetes minor listed for this kind of environment in the compatibility table. */
function minorVersion(kind: EnvironmentKind) {
  const supported = supportedMinors(kind);
  const where = kind === "local" ? "the local environment" : "ACK";
  return z.string().refine((v) => supported.includes(v), {
    error: (issue) => `${quote(issue.input)} is not supported for ${where}; supported minors: ${supported.join(", ")}`,
  });
}

/** HorizontalPodAutoscaler bounds and CPU target. */
const hpaSchema = z.strictObject({
  /** Lower bound on replicas. */
  minReplicas: intRange(1, 100),
  /** Upper bound on replicas (validated >= minReplicas). */
  maxReplicas: intRange(1, 100),
  /** Average CPU utilization target, percent of the containers' CPU request. */
  cpuUtilization: intRange(1, 100),
});
export type HpaConfig = z.infer<typeof hpaSchema>;

// ---------------------------------------------------------------------------------------------
// Workloads shared by every environment
// ---------------------------------------------------------------------------------------------

const webAppSchema = z.strictObject({
  /** Deploy the demo web app (nginx + PHP page showing the serving pod). */
  enabled: z.boolean(),
  namespace,
  /** Size of the shared content volume (NFS locally, NAS on ACK). */
  storageSize,
  hpa: hpaSchema,
  /** Ingress host on ACK (ALB); ignored locally, where a LoadBalancer Service is used. @default unset locally; ACK: web.example.com, a placeholder deploy refuses */
  host: dnsName.optional(),
  /** On ACK, serve the host over HTTPS (ALB certificate auto-discovery) and redirect HTTP to it. */
  https: z.boolean(),
  /** Container runtime of the web app's Pods. @default runc */
  runtime,
});

/** Limits of one job (service/contract/executor.ts LIMIT_ENV), set on the executor PodTemplates. */
const executorLimitsSchema = z.strictObject({
  /** Longest a compile (Go, C) may take. @default 30 */
  compileTimeoutSeconds: z.number().int().min(1).max(600),
  /** Longest the program may run (wall clock). @default 10 */
  runTimeoutSeconds: z.number().int().min(1).max(600),
  /** The program's memory budget; the container gets this plus the runner's headroom. @default 256Mi */
  memory: memorySize,
  /** Cap on each of stdout, stderr and the output folder: at most 1Mi, the most one result frame carries. @default 1Mi */
  output: byteQuantity("64Ti", "1Ki"),
  /** Most processes (threads included) the job may run at once. @default 128 */
  processes: z.number().int().min(1).max(4096),
});
export type ExecutorLimitsConfig = z.infer<typeof executorLimitsSchema>;

const faasSchema = z.strictObject({
  /** Deploy the code-execution workload. */
  enabled: z.boolean(),
  /** Namespace of oauth2-proxy, frontend, NATS and middleware. */
  namespace,
  /** Namespace where executor Pods run. */
  executorNamespace: namespace,
  oauth2Proxy: z.strictObject({
    /** oauth2-proxy `--provider` (documents: google). */
    provider: z.enum(["google", "github", "gitlab", "oidc", "keycloak-oidc", "azure"]),
    /** OIDC issuer (https), required when provider is oidc or keycloak-oidc (rules.ts). @default unset (other providers need none) */
    oidcIssuerUrl: webUrl(["https"]).optional(),
    /** `--email-domain` values; `*` admits every account the provider authenticates. */
    emailDomains: z
      .array(z.union([z.literal("*"), dnsName], { error: "must be '*' or a lower-case DNS domain like example.com" }))
      .min(1, { error: "must list at least one email domain ('*' for any)" })
      .max(50),
    /** `--redirect-url` (http or https); must match the OAuth app registered with the provider. */
    redirectUrl: webUrl(["http", "https"]),
    /** Send the session cookie only over HTTPS. */
    cookieSecure: z.boolean(),
    /** Name of the Secret (created at deploy time) holding client-id, client-secret, cookie-secret. */
    secretName: dnsLabel,
    /** oauth2-proxy replicas (a PodDisruptionBudget keeps one up). */
    replicas: intRange(1, 20),
    /** Container runtime of oauth2-proxy's Pods. @default runc */
    runtime,
    /**
     * How people sign in. `provider`: the OAuth/OIDC provider above (client id and secret from
     * the environment at deploy). `local-users`: accounts deploy generates (oauth2-proxy's htpasswd
     * form; passwords printed once and kept in state/<env>/sign-in-users.json), no registration
     * anywhere. @default local: local-users; ACK: provider
     */
    signIn: z.enum(["provider", "local-users"]),
    /** The generated accounts (`<name>@<emailDomain>`), for `signIn: local-users`. */
    localUsers: z.strictObject({
      /** Account names; deploy adds its own `clusterkit-verify` account for `npm run verify`. @default ["alice", "bob"] */
      names: z
        .array(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "must be a lower-case name (letters, digits, '-'), at most 31 characters" }))
        .min(1)
        .max(100),
      /** Domain of their addresses: a name nobody else uses. @default clusterkit.internal */
      emailDomain: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { error: "must be a DNS domain like clusterkit.internal" }),
    }),
  }),
  /**
   * Registry (host[:port][/path]) holding the images this repository builds; the defaults of
   * `frontend.image`, `middleware.image` and `executors.images` are `<registry>/clusterkit/<name>:<tag>`
   * with the tags of images/images.lock.json.
   * @default local: `<nfs.ip>:5000`; ACK: `registry-vpc.<region>.aliyuncs.com`
   */
  registry: z.string().regex(REGISTRY_PATTERN, { error: "must be a registry host[:port][/path] in lower case, e.g. 192.168.60.30:5000" }),
  /** `port`: the container's listening port (frontend: HTTP behind oauth2-proxy; middleware: health only). */
  /** `runtime`: the container runtime of the component's Pods (@default runc). */
  frontend: z.strictObject({ image, hpa: hpaSchema, port: intRange(1024, 65535), runtime }),
  /** The middleware (NATS to Kubernetes Jobs): image, autoscaling, health port and runtime. */
  middleware: z.strictObject({ image, hpa: hpaSchema, port: intRange(1024, 65535), runtime }),
  nats: z.strictObject({
    /** JetStream cluster size: 1, or 3/5 for a RAFT quorum. */
    replicas: z.union([z.literal(1), z.literal(3), z.literal(5)], { error: "must be 1, 3 or 5 (a JetStream quorum)" }),
    /** Size of each server's JetStream volume (never NFS). */
    storageSize,
    /** Container runtime of the NATS servers' Pods. @default runc */
    runtime,
  }),
  executors: z.strictObject({
    /**
     * Container runtime of the executor Pods, which run untrusted code: a sandbox (gvisor, kata)
     * keeps a kernel exploit inside it. @default gvisor locally, runc on ACK (no gVisor there)
     */
    runtime,
    /**
     * Pod `activeDeadlineSeconds`: the hard stop for one job, image pull and start included. Must
     * cover limits.compileTimeoutSeconds + limits.runTimeoutSeconds + 15 s of start and report.
     * @default 60
     */
    deadlineSeconds: intRange(5, 3600),
    /** CPU of an executor's run container (requests = limits). @default 500m */
    cpuLimit: cpuQuantity(64),
    /** What one job may use; the trusted runner enforces them and reports which one was hit. */
    limits: executorLimitsSchema,
    /** ResourceQuota for the whole executor namespace. */
    maxPods: intRange(1, 1000),
    /** Executor image per language. @default `<registry>/clusterkit/executor-<language>:<tag>` */
    images: z.strictObject({ go: image, javascript: image, c: image }),
  }),
});
export type FaasConfig = z.infer<typeof faasSchema>;
export type WebAppConfig = z.infer<typeof webAppSchema>;

// ---------------------------------------------------------------------------------------------
// local: VirtualBox + kubeadm
// ---------------------------------------------------------------------------------------------

/** A host number inside local.network.cidr: 1 is the first address after the network address. */
// network.cidr is a /16 at most, so 65534 is the highest host number any network has.
const hostNumber = z
  .number()
  .int()
  .min(1, { error: "must be a host number of at least 1 (1 is the first address of network.cidr)" })
  .max(65_534, { error: "must be a host number of at most 65534 (network.cidr is a /16 at most)" });

const vmFields = {
  /** VM name and node hostname. */
  name: dnsLabel,
  /**
   * Static address on the host-only network as a host number inside `network.cidr` (11 in
   * 192.168.60.0/24 is 192.168.60.11), so changing the network moves the VM with it.
   */
  hostNumber: hostNumber.optional(),
  /** Static address on the host-only network; when given it wins over `hostNumber`. @default from hostNumber */
  ip: ipv4.optional(),
  /** Virtual CPUs of the VM. */
  cpus: intRange(1, 64),
  /** Memory in MiB; must be a multiple of 256 so VirtualBox's normalised form round-trips. */
  memoryMiB: intRange(512, 262144).multipleOf(256, { error: "must be a multiple of 256 MiB" }),
};

const needsAddress = (vm: { hostNumber?: number; ip?: string }, ctx: z.core.$RefinementCtx) => {
  if (vm.hostNumber === undefined && vm.ip === undefined) {
    ctx.addIssue({ code: "custom", message: "needs an address: hostNumber (a host number inside local.network.cidr, e.g. 21) or ip" });
  }
};

const vmSchema = z.strictObject(vmFields).superRefine(needsAddress);
/** A VM with its address resolved (src/config/addresses.ts); `hostNumber` stays only when the address came from it. */
export type VmConfig = Omit<z.infer<typeof vmSchema>, "ip"> & { readonly ip: string };

export const localSchema = z.strictObject({
  kubernetes: z.strictObject({
    /** Kubernetes minor; versions of packages and add-ons follow from `versions.ts`. */
    version: minorVersion("local"),
    /** Pod network; kubeadm gives every node a /24 of it (capacity checked in rules.ts). */
    podCidr: cidrBlock(8, 24),
    /** kube-apiserver allows at most a /12 of service addresses. */
    serviceCidr: cidrBlock(12, 24),
    /** kubeadm cluster name (kubeconfig context and cluster). */
    clusterName: dnsLabel,
  }),
  network: z.strictObject({
    /** Host-only network shared by all VMs (no default gateway on it). */
    cidr: cidrBlock(16, 29),
    /** The host's address on the host-only network (VirtualBox `hostonlyif ipconfig`). @default the first host address of `cidr` */
    hostIp: ipv4.optional(),
    /** Existing host-only interface on the host (`vboxnet0` on Linux). */
    hostInterface: hostInterfaceName,
    /** Guest NIC name of the host-only adapter (nic2 at PCI 00:08.0 -> enp0s8). */
    guestInterface: linuxInterfaceName("enp0s8"),
    /** Guest NIC name of the NAT adapter (nic1 -> enp0s3). */
    natInterface: linuxInterfaceName("enp0s3"),
    /** VirtualBox NAT network every VM sits behind (fixed by VirtualBox; must not overlap others). */
    natCidr: cidrBlock(16, 30),
  }),
  /** Local base box: tar archive with a VMDK/VDI of Ubuntu 24.04 with cloud-init and Guest Additions. */
  image: z.strictObject({
    /** The box file, relative to the project root (`npm run box` builds it). */
    path: filePath,
  }),
  provider: z.strictObject({
    /** Seconds before the provider's first IP poll; must be below its fixed 300 s limit. */
    delaySeconds: intRange(10, 290),
    /** Seconds between the provider's IP polls. */
    minTimeoutSeconds: intRange(1, 60),
  }),
  controlPlane: vmSchema,
  workers: z.array(vmSchema).min(1, { error: "must contain at least 1 worker node" }).max(50, { error: "must contain at most 50 worker nodes" }),
  nfs: z
    .strictObject({
      ...vmFields,
      /** Directory exported to the host-only network, below a data directory (never /etc). */
      exportPath: dataDirectory,
    })
    .superRefine(needsAddress),
  /** Pod network. Calico enforces NetworkPolicy; Flannel does not. */
  cni: z.enum(["calico", "flannel"]),
  /**
   * Sandboxed runtimes the node bootstrap installs on every node that runs workloads, each with its
   * RuntimeClass; runc is always there. A workload may only name an installed runtime.
   */
  runtimes: z.strictObject({
    /** gVisor (runsc, systrap platform: no virtualization needed). @default true */
    gvisor: z.strictObject({ /** @default true */ enabled: z.boolean() }),
    /**
     * Kata Containers: each Pod a small VM. Needs nested virtualization in the VirtualBox VMs, which
     * the deploy turns on and preflight checks (docs/runtimes.md). @default false
     */
    kata: z.strictObject({ /** @default false */ enabled: z.boolean() }),
  }),
  metallb: z
    .strictObject({
      /** First host number of the pool inside `network.cidr` (200 in a /24: .200). */
      firstHostNumber: hostNumber.optional(),
      /** Last host number of the pool inside `network.cidr` (250 in a /24: .250). */
      lastHostNumber: hostNumber.optional(),
      /** First address MetalLB may assign; when given it wins over `firstHostNumber`. @default from firstHostNumber */
      addressStart: ipv4.optional(),
      /** Last address MetalLB may assign; when given it wins over `lastHostNumber`. @default from lastHostNumber */
      addressEnd: ipv4.optional(),
    })
    .superRefine((m, ctx) => {
      if (m.firstHostNumber === undefined && m.addressStart === undefined)
        ctx.addIssue({ code: "custom", message: "needs the pool's start: firstHostNumber or addressStart" });
      if (m.lastHostNumber === undefined && m.addressEnd === undefined)
        ctx.addIssue({ code: "custom", message: "needs the pool's end: lastHostNumber or addressEnd" });
    }),
  /** Directory on every worker holding local PersistentVolumes (NATS JetStream must not use NFS). */
  localVolumes: z.strictObject({
    /** Parent directory of the volumes (`<path>/volNN`), below a data directory. */
    path: dataDirectory,
    /** Volumes prepared on each node. */
    perNode: intRange(1, 20),
  }),
  /** Where Terraform writes the admin kubeconfig, relative to the project root. */
  kubeconfigPath: projectPath,
  webApp: webAppSchema,
  faas: faasSchema,
  /** The platform profile (src/config/profiles/local.ts); only the `local` environment has it. @default local */
  platform: z.literal("local", { error: "must be local: the local environment is the VirtualBox lab (add an environment under a new name for ACK)" }),
});
/** The local environment as written (host numbers, optional addresses). */
export type LocalConfigInput = z.infer<typeof localSchema>;
/** The local environment with every address resolved inside `network.cidr` (src/config/addresses.ts). */
export type LocalConfig = Omit<LocalConfigInput, "network" | "controlPlane" | "workers" | "nfs" | "metallb"> & {
  readonly network: LocalConfigInput["network"] & { readonly hostIp: string };
  readonly controlPlane: VmConfig;
  readonly workers: VmConfig[];
  readonly nfs: VmConfig & { readonly exportPath: string };
  readonly metallb: LocalConfigInput["metallb"] & { readonly addressStart: string; readonly addressEnd: string };
};

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud ACK (managed and dedicated)
// ---------------------------------------------------------------------------------------------

/** Region ids: eu-central-1, cn-hangzhou, cn-shanghai-finance-1. */
const REGION = /^[a-z]{2}-[a-z]+(-[a-z]+)?(-\d+)?$/;

const backendSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** State file, relative to the project root. */
    path: projectPath,
  }),
  z.strictObject({
    type: z.literal("oss"),
    /** OSS bucket holding the state. @default none: required with `type: oss` */
    bucket: grammar(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "an OSS bucket name: 3-63 lower-case letters, digits and '-'", 63),
    /** Object prefix of the state inside the bucket. @default none: required with `type: oss` */
    prefix: grammar(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, "an OSS object prefix of plain segments (letters, digits, '.', '_', '-', '/')", 512),
    /** Object name of the state. @default none: required with `type: oss` */
    key: grammar(/^[A-Za-z0-9._-]+$/, "an OSS object name (letters, digits, '.', '_', '-')", 255),
    /** Region of the bucket. @default none: required with `type: oss` */
    region: grammar(REGION, "an Alibaba Cloud region id like eu-central-1", 64),
    /** OSS endpoint host, e.g. oss-eu-central-1.aliyuncs.com. @default unset: the provider's endpoint for `region` */
    endpoint: dnsName.optional(),
    /** TableStore endpoint (https) for state locking. @default none: required with `type: oss` */
    tablestoreEndpoint: webUrl(["https"]),
    /** TableStore table for state locking (primary key `LockID`, string). @default none: required with `type: oss` */
    tablestoreTable: grammar(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, "a TableStore table name (letters, digits and '_', not starting with a digit)", 255),
  }),
]);
export type BackendConfig = z.infer<typeof backendSchema>;

const nodePoolSchema = z.strictObject({
  name: dnsLabel,
  /** Ordered fallback list of ECS instance types. */
  instanceTypes: z
    .array(grammar(/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/, "an ECS instance type like ecs.g5.xlarge", 64))
    .min(1)
    .max(10),
  /** Nodes the pool starts with (and keeps without autoscaling). */
  desiredSize: intRange(1, 500),
  /** Cluster autoscaler bounds (minSize <= desiredSize <= maxSize when enabled). */
  autoscaling: z.strictObject({ enabled: z.boolean(), minSize: intRange(0, 500), maxSize: intRange(1, 500) }),
  /** System disk of each node: cloud disk category and size in GiB. */
  systemDisk: z.strictObject({ category: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"]), sizeGiB: intRange(20, 2048) }),
  /** Node operating system image. */
  imageType: z.enum(["AliyunLinux3", "AliyunLinux3ContainerOptimized", "ContainerOS", "Ubuntu"]),
  /**
   * Key pair for node login. With `publicKey` (not a secret) it is imported; without it Terraform
   * generates one and writes the private key to a local file beside the state.
   */
  keyPair: z.strictObject({
    /** ECS key-pair name; also the generated key's file name, state/<env>/<name>.pem. */
    name: keyPairName,
    /** OpenSSH public key to import (ECS ImportKeyPair accepts RSA, DSA and ECDSA keys only; DSA is obsolete in OpenSSH). @default unset: Terraform generates the key pair */
    publicKey: z
      .string()
      .max(16384, { error: "must be an OpenSSH public key of at most 16 KiB" })
      .regex(/^(ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( [^\u0000-\u001f\u007f]*)?$/, {
        error: "must be an OpenSSH ssh-rsa or ecdsa-sha2-nistp256/384/521 public key (Alibaba ECS does not import ssh-ed25519 keys)",
      })
      .optional(),
  }),
  /** Kubernetes labels on every node of the pool. */
  labels: z.record(labelKey, labelValue),
  /** Taints on every node of the pool (key, value, effect). */
  taints: z.array(z.strictObject({ key: labelKey, value: labelValue, effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]) })).max(50),
});

/** An ACK add-on's config: a JSON object, as ACK expects it. */
const addonConfig = z
  .string()
  .max(65536, { error: "must be at most 64 KiB of JSON" })
  .superRefine((text, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object (ACK add-on configuration)" });
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      ctx.addIssue({ code: "custom", message: "must be a JSON object (ACK add-on configuration)" });
  });

export const ackSchema = z.strictObject({
  /** Alibaba Cloud region of every resource. @default eu-central-1 (Frankfurt, the documents' region) */
  region: grammar(REGION, "an Alibaba Cloud region id like eu-central-1", 64),
  kubernetes: z.strictObject({
    /** Kubernetes minor; the ACK version string follows from `versions.ts`. */
    version: minorVersion("ack"),
    /** Pod CIDR, used by Flannel; Terway takes pod addresses from the pod vSwitches. */
    podCidr: cidrBlock(8, 24),
    /** ACK allows /16 to /24 (rules.ts says so by name). */
    serviceCidr: cidrBlock(12, 24),
    /** Cluster DNS domain (Services are `<name>.<namespace>.svc.<domain>`). */
    clusterDomain: dnsName,
  }),
  cluster: z.strictObject({
    /**
     * The cluster flavour: `managed` (ACK runs the control plane; alicloud_cs_managed_kubernetes)
     * or `dedicated` (3 or 5 masters in our account; alicloud_cs_kubernetes, which Alibaba stopped
     * creating in 2024, so deploying it needs `allowDedicatedDeploy`).
     * @default managed (ack-dedicated: dedicated)
     */
    type: z.enum(ACK_CLUSTER_TYPES, { error: `must be one of ${ACK_CLUSTER_TYPES.join(", ")}` }),
    /** Cluster name in the ACK console. @default clusterkit-managed (ack-dedicated: cluster-tfg; an added environment: its name) */
    name: dnsLabel,
    /** Managed only: ack.pro.small (Pro) or ack.standard (Basic). */
    spec: z.enum(["ack.pro.small", "ack.standard"], { error: "must be one of ack.pro.small, ack.standard" }),
    /** Pod network: Terway (VPC addresses for pods, enforces NetworkPolicy) or Flannel (does not). */
    cni: z.enum(["terway", "flannel"]),
    /** kube-proxy mode. */
    proxyMode: z.enum(["ipvs", "iptables"]),
    /** ACK refuses to delete the cluster while true (destroy says how to turn it off). */
    deletionProtection: z.boolean(),
    /** Public API server endpoint (an EIP on the API server load balancer). */
    publicApiServer: z.boolean(),
    /** ACK add-ons installed at creation (names as in ACK's catalogue). */
    addons: z
      .array(
        z.strictObject({
          name: grammar(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "an ACK add-on name like csi-plugin", 63),
          config: addonConfig.optional(),
          disabled: z.boolean().optional(),
        }),
      )
      .max(50),
  }),
  network: z.strictObject({
    /** The VPC's range: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16. */
    vpcCidr: cidrBlock(8, 24),
    /** One node vSwitch per zone (ACK: /16 to /29). */
    vswitches: z
      .array(z.strictObject({ zone: zoneId, cidr: cidrBlock(16, 29) }))
      .min(1)
      .max(10),
    /** Terway pod vSwitches, one per zone (same zones as `vswitches`). */
    podVswitches: z.array(z.strictObject({ zone: zoneId, cidr: cidrBlock(16, 29) })).max(10),
  }),
  nodePool: nodePoolSchema,
  /**
   * A second node pool on ECS Bare Metal with ACK's sandboxed-container runtime
   * (Sandboxed-Container.runv, Kata-based): workloads with `runtime: kata` run there, through the
   * RuntimeClass `runv` ACK provides. Off by default: bare-metal instances are whole servers.
   */
  sandboxedNodePool: z.strictObject({
    /** @default false */
    enabled: z.boolean(),
    name: dnsLabel,
    /** ECS Bare Metal types only (`ecs.ebm*`), the only ones ACK runs sandboxed containers on. @default ["ecs.ebmg7.32xlarge"] */
    instanceTypes: z
      .array(grammar(/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/, "an ECS instance type like ecs.ebmg7.32xlarge", 64))
      .min(1)
      .max(10),
    /** Bare-metal nodes in the pool. */
    desiredSize: intRange(1, 50),
    /** System disk of each node: cloud disk category and size in GiB. */
    systemDisk: z.strictObject({ category: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"]), sizeGiB: intRange(20, 2048) }),
    /** Sandboxed-Container version. @default unset: the one ACK pairs with the cluster's Kubernetes version */
    runtimeVersion: grammar(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/, "a version like 2.4.3", 16).optional(),
  }),
  /** `cluster.type: dedicated` only: masters run in our account, one per distinct zone. */
  masters: z.strictObject({
    /** Masters: 3 or 5, one per zone (rules.ts). */
    count: intRange(1, 7),
    /** ECS instance type of the masters. */
    instanceType: grammar(/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/, "an ECS instance type like ecs.g7a.large", 64),
    /** System disk of each master, GiB. */
    diskSizeGiB: intRange(40, 500),
    /** Cloud disk category of the masters. */
    diskCategory: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency"]),
  }),
  /** `cluster.type: dedicated` only: explicit opt-in to deploy a discontinued cluster type. @default false */
  allowDedicatedDeploy: z.boolean(),
  nas: z.strictObject({
    /** NAS file system type. */
    storageType: z.enum(["Capacity", "Performance", "Premium"]),
    /** Export path mounted by the NAS PersistentVolume. */
    path: plainAbsolutePath,
  }),
  /**
   * ACK service roles are a one-time account prerequisite (docs/ack.md); the stack expects them to
   * exist and never creates them (account-wide roles must not be destroyed with one cluster).
   */
  serviceRoles: z.enum(["existing"], {
    error:
      "must be existing: authorise the ACK service roles once per account (console or Alibaba's quickstart, see docs/ack.md); the stack does not create them",
  }),
  backend: backendSchema,
  /**
   * Alibaba Container Registry (personal edition) for the images this repository builds: the
   * stack creates the namespace and one repository per image; deploy pushes to them.
   */
  containerRegistry: z.strictObject({
    /** ACR namespace (unique per region across all accounts in the personal edition). @default clusterkit */
    namespace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,28}[a-z0-9]$/, { error: "must be 2-30 lower-case letters, digits, '_' or '-', starting and ending alphanumeric" }),
    /** PUBLIC: nodes pull with no credentials. PRIVATE: nodes need pull credentials (docs/ack.md). @default PUBLIC */
    visibility: z.enum(["PUBLIC", "PRIVATE"]),
  }),
  /** Where Terraform writes the kubeconfig, relative to the project root. */
  kubeconfigPath: projectPath,
  /** Tags on every resource that takes them (at most 20). */
  tags: z.record(tagKey, tagValue).refine((t) => Object.keys(t).length <= 20, { error: "must have at most 20 tags (Alibaba Cloud's limit per resource)" }),
  webApp: webAppSchema,
  faas: faasSchema,
  /** The platform profile (src/config/profiles/ack.ts). @default ack */
  platform: z.literal("ack", { error: "must be ack: this environment is on Alibaba Cloud ACK" }),
});
export type AckConfig = z.infer<typeof ackSchema>;

/** A validated environment's configuration, either platform. */
export type AnyConfig = LocalConfig | AckConfig;

/**
 * Every environment's validated configuration by name: the shipped presets (typed) and any the
 * config file adds (an added one is ACK: see src/config/profiles/).
 */
export type EnvironmentConfigs = {
  local: LocalConfig;
  "ack-managed": AckConfig;
  "ack-dedicated": AckConfig;
} & { [name: string]: AnyConfig };

/** A named environment with its validated configuration; `kind` is its platform. */
export type Environment =
  | { readonly name: EnvironmentName; readonly kind: "local"; readonly config: LocalConfig }
  | { readonly name: EnvironmentName; readonly kind: "ack"; readonly config: AckConfig };

/** The schema of each shipped preset (an added environment uses its platform's). */
export const ENVIRONMENT_SCHEMAS: { local: typeof localSchema; "ack-managed": typeof ackSchema; "ack-dedicated": typeof ackSchema } & Record<
  string,
  typeof localSchema | typeof ackSchema
> = {
  local: localSchema,
  "ack-managed": ackSchema,
  "ack-dedicated": ackSchema,
};
