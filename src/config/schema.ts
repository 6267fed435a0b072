/**
 * The environment model: one typed description per environment, validated with zod (shape and
 * per-field rules) and then by `rules.ts` (cross-field rules). Defaults live in `defaults.ts`.
 */
import { z } from "zod";
import { REGISTRY_PATTERN } from "./built-images";
import { isPinnedImage } from "./images";
import { parseCidr, parseIp } from "./ipv4";
import { projectPathProblem } from "./project-path";
import { parseBytes, parseMillicores } from "./quantity";
import { type EnvironmentKind, supportedMinors } from "./versions";

export const ENVIRONMENT_NAMES = ["local", "ack-managed", "ack-dedicated"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A file path the stack writes: inside the project (relative, no escaping '..') or absolute; see project-path.ts. */
export const projectPath = z.string().min(1).superRefine((p, ctx) => {
  const problem = projectPathProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export const dnsLabel = z
  .string()
  .max(63, { error: "must be a DNS-1123 label of at most 63 characters" })
  .regex(DNS1123_LABEL, { error: "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric)" });

export const ipv4 = z.string().refine((s) => parseIp(s) !== undefined, { error: "must be an IPv4 address like 192.168.60.11" });

export const cidr = z
  .string()
  .refine((s) => parseCidr(s) !== undefined, { error: "must be an IPv4 CIDR block like 10.244.0.0/16 with no host bits set" });

export const image = z.string().refine(isPinnedImage, { error: "must be a pinned image: an explicit tag other than 'latest', or a @sha256 digest" });

/** Memory or storage size, e.g. 256Mi or 10Gi. */
const byteQuantity = z.string().refine((q) => (parseBytes(q) ?? 0) > 0, { error: "must be a positive byte quantity like 256Mi or 10Gi" });
/** CPU amount, e.g. 500m or 2. */
const cpuQuantity = z.string().refine((q) => (parseMillicores(q) ?? 0) > 0, { error: "must be a positive CPU quantity like 500m or 2" });

/** A Kubernetes minor listed for this kind of environment in the compatibility table. */
function minorVersion(kind: EnvironmentKind) {
  const supported = supportedMinors(kind);
  const where = kind === "local" ? "the local environment" : "ACK";
  return z.string().refine((v) => supported.includes(v), {
    error: (issue) => `${String(issue.input)} is not supported for ${where}; supported minors: ${supported.join(", ")}`,
  });
}

/** HorizontalPodAutoscaler bounds and CPU target. */
export const hpaSchema = z.strictObject({
  /** Lower bound on replicas. */
  minReplicas: z.number().int().min(1, { error: "must be at least 1" }),
  /** Upper bound on replicas (validated >= minReplicas). */
  maxReplicas: z.number().int().min(1, { error: "must be at least 1" }),
  /** Average CPU utilization target, percent of the containers' CPU request. */
  cpuUtilization: z.number().int().min(1).max(100),
});
export type HpaConfig = z.infer<typeof hpaSchema>;

// ---------------------------------------------------------------------------------------------
// Workloads shared by every environment
// ---------------------------------------------------------------------------------------------

export const webAppSchema = z.strictObject({
  /** Deploy the demo web app (nginx + PHP page showing the serving pod). */
  enabled: z.boolean(),
  namespace: dnsLabel,
  /** Size of the shared content volume (NFS locally, NAS on ACK). */
  storageSize: byteQuantity,
  hpa: hpaSchema,
  /** Ingress host on ACK (ALB); ignored locally, where a LoadBalancer Service is used. */
  host: z.string().optional(),
  /** On ACK, serve the host over HTTPS (ALB certificate auto-discovery) and redirect HTTP to it. */
  https: z.boolean(),
});

/** Limits of one job (service/contract/executor.ts LIMIT_ENV), set on the executor PodTemplates. */
export const executorLimitsSchema = z.strictObject({
  /** Longest a compile (Go, C) may take. @default 30 */
  compileTimeoutSeconds: z.number().int().min(1).max(600),
  /** Longest the program may run (wall clock). @default 10 */
  runTimeoutSeconds: z.number().int().min(1).max(600),
  /** The program's memory budget; the container gets this plus the runner's headroom. @default 256Mi */
  memory: byteQuantity,
  /** Cap on each of stdout, stderr and the output folder: at most 1Mi, the most one result frame carries. @default 1Mi */
  output: byteQuantity,
  /** Most processes (threads included) the job may run at once. @default 128 */
  processes: z.number().int().min(1).max(4096),
});
export type ExecutorLimitsConfig = z.infer<typeof executorLimitsSchema>;

export const faasSchema = z.strictObject({
  /** Deploy the code-execution workload. */
  enabled: z.boolean(),
  /** Namespace of oauth2-proxy, frontend, NATS and middleware. */
  namespace: dnsLabel,
  /** Namespace where executor Pods run. */
  executorNamespace: dnsLabel,
  oauth2Proxy: z.strictObject({
    /** oauth2-proxy `--provider` (documents: google). */
    provider: z.enum(["google", "github", "gitlab", "oidc", "keycloak-oidc", "azure"]),
    /** OIDC issuer, required when provider is oidc or keycloak-oidc. */
    oidcIssuerUrl: z.string().url().optional(),
    /** `--email-domain` values; `*` admits every account the provider authenticates. */
    emailDomains: z.array(z.string().min(1)).min(1, { error: "must list at least one email domain ('*' for any)" }),
    /** `--redirect-url`; must match the OAuth app registered with the provider. */
    redirectUrl: z.string().url(),
    /** Send the session cookie only over HTTPS. */
    cookieSecure: z.boolean(),
    /** Name of the Secret (created at deploy time) holding client-id, client-secret, cookie-secret. */
    secretName: dnsLabel,
    replicas: z.number().int().min(1),
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
      names: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "must be a lower-case name (letters, digits, '-'), at most 31 characters" })).min(1),
      /** Domain of their addresses: a name nobody else uses. @default clusterkit.internal */
      emailDomain: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { error: "must be a DNS domain like clusterkit.internal" }),
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
  frontend: z.strictObject({ image, hpa: hpaSchema, port: z.number().int().min(1024).max(65535) }),
  middleware: z.strictObject({ image, hpa: hpaSchema, port: z.number().int().min(1024).max(65535) }),
  nats: z.strictObject({
    /** JetStream cluster size: 1, or 3/5 for a RAFT quorum. */
    replicas: z.union([z.literal(1), z.literal(3), z.literal(5)], { error: "must be 1, 3 or 5 (a JetStream quorum)" }),
    /** Size of each server's JetStream volume (never NFS). */
    storageSize: byteQuantity,
  }),
  executors: z.strictObject({
    /** Run executor Pods under the gVisor RuntimeClass. */
    sandbox: z.boolean(),
    /**
     * Pod `activeDeadlineSeconds`: the hard stop for one job, image pull and start included. Must
     * cover limits.compileTimeoutSeconds + limits.runTimeoutSeconds + 15 s of start and report.
     * @default 60
     */
    deadlineSeconds: z.number().int().min(5).max(3600),
    /** CPU of an executor's run container (requests = limits). @default 500m */
    cpuLimit: cpuQuantity,
    /** What one job may use; the trusted runner enforces them and reports which one was hit. */
    limits: executorLimitsSchema,
    /** ResourceQuota for the whole executor namespace. */
    maxPods: z.number().int().min(1),
    images: z.strictObject({ go: image, javascript: image, c: image }),
  }),
});
export type FaasConfig = z.infer<typeof faasSchema>;
export type WebAppConfig = z.infer<typeof webAppSchema>;

// ---------------------------------------------------------------------------------------------
// local: VirtualBox + kubeadm
// ---------------------------------------------------------------------------------------------

export const vmSchema = z.strictObject({
  /** VM name and node hostname. */
  name: dnsLabel,
  /** Static address on the host-only network. */
  ip: ipv4,
  cpus: z.number().int().min(1).max(64),
  /** Memory in MiB; must be a multiple of 256 so VirtualBox's normalised form round-trips. */
  memoryMiB: z.number().int().min(512).max(262144).multipleOf(256, { error: "must be a multiple of 256 MiB" }),
});
export type VmConfig = z.infer<typeof vmSchema>;

export const localSchema = z.strictObject({
  kubernetes: z.strictObject({
    /** Kubernetes minor; versions of packages and add-ons follow from `versions.ts`. */
    version: minorVersion("local"),
    podCidr: cidr,
    serviceCidr: cidr,
    clusterName: dnsLabel,
  }),
  network: z.strictObject({
    /** Host-only network shared by all VMs (no default gateway on it). */
    cidr,
    /** The host's address on the host-only network (VirtualBox `hostonlyif ipconfig`). */
    hostIp: ipv4,
    /** Existing host-only interface on the host (`vboxnet0` on Linux). */
    hostInterface: z.string().min(1),
    /** Guest NIC name of the host-only adapter (nic2 at PCI 00:08.0 -> enp0s8). */
    guestInterface: z.string().regex(/^[a-z][a-z0-9]{1,14}$/, { error: "must be a Linux interface name like enp0s8" }),
    /** Guest NIC name of the NAT adapter (nic1 -> enp0s3). */
    natInterface: z.string().regex(/^[a-z][a-z0-9]{1,14}$/, { error: "must be a Linux interface name like enp0s3" }),
    /** VirtualBox NAT network every VM sits behind (fixed by VirtualBox; must not overlap others). */
    natCidr: cidr,
  }),
  /** Local base box: tar archive with a VMDK/VDI of Ubuntu 24.04 with cloud-init and Guest Additions. */
  image: z.strictObject({ path: z.string().min(1) }),
  provider: z.strictObject({
    /** Seconds before the provider's first IP poll; must be below its fixed 300 s limit. */
    delaySeconds: z.number().int().min(10).max(290, { error: "must be below 300 (the provider's fixed wait limit)" }),
    minTimeoutSeconds: z.number().int().min(1).max(60),
  }),
  controlPlane: vmSchema,
  workers: z.array(vmSchema).min(1, { error: "must contain at least 1 worker node" }),
  nfs: vmSchema.extend({
    /** Directory exported to the host-only network. */
    exportPath: z.string().regex(/^\/[A-Za-z0-9._/-]+$/, { error: "must be an absolute path" }),
  }),
  /** Pod network. Calico enforces NetworkPolicy; Flannel does not. */
  cni: z.enum(["calico", "flannel"]),
  metallb: z.strictObject({
    /** First and last address MetalLB may assign, inside the host-only network. */
    addressStart: ipv4,
    addressEnd: ipv4,
  }),
  /** Directory on every worker holding local PersistentVolumes (NATS JetStream must not use NFS). */
  localVolumes: z.strictObject({ path: z.string().regex(/^\/[A-Za-z0-9._/-]+$/, { error: "must be an absolute path" }), perNode: z.number().int().min(1).max(20) }),
  /** Where Terraform writes the admin kubeconfig, relative to the project root. */
  kubeconfigPath: projectPath,
  webApp: webAppSchema,
  faas: faasSchema,
});
export type LocalConfig = z.infer<typeof localSchema>;

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud ACK (managed and dedicated)
// ---------------------------------------------------------------------------------------------

export const backendSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** State file, relative to the project root. */
    path: projectPath,
  }),
  z.strictObject({
    type: z.literal("oss"),
    bucket: z.string().min(3),
    prefix: z.string().min(1),
    key: z.string().min(1),
    region: z.string().min(1),
    endpoint: z.string().optional(),
    /** TableStore endpoint and table for state locking (primary key `LockID`, string). */
    tablestoreEndpoint: z.string().url(),
    tablestoreTable: z.string().min(1),
  }),
]);
export type BackendConfig = z.infer<typeof backendSchema>;

export const nodePoolSchema = z.strictObject({
  name: dnsLabel,
  /** Ordered fallback list of ECS instance types. */
  instanceTypes: z.array(z.string().regex(/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/, { error: "must be an ECS instance type like ecs.g5.xlarge" })).min(1),
  desiredSize: z.number().int().min(1, { error: "must be at least 1 node" }),
  autoscaling: z.strictObject({ enabled: z.boolean(), minSize: z.number().int().min(0), maxSize: z.number().int().min(1) }),
  systemDisk: z.strictObject({ category: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"]), sizeGiB: z.number().int().min(20).max(2048) }),
  imageType: z.enum(["AliyunLinux3", "AliyunLinux3ContainerOptimized", "ContainerOS", "Ubuntu"]),
  /**
   * Key pair for node login. With `publicKey` (not a secret) it is imported; without it Terraform
   * generates one and writes the private key to a local file beside the state.
   */
  keyPair: z.strictObject({
    name: z.string().min(2).max(128),
    // ECS ImportKeyPair accepts RSA, DSA and ECDSA keys only; DSA is obsolete in OpenSSH.
    publicKey: z
      .string()
      .regex(/^(ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/, { error: "must be an OpenSSH ssh-rsa or ecdsa-sha2-nistp256/384/521 public key (Alibaba ECS does not import ssh-ed25519 keys)" })
      .optional(),
  }),
  labels: z.record(z.string(), z.string()),
  taints: z.array(z.strictObject({ key: z.string().min(1), value: z.string(), effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]) })),
});

export const ackSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, { error: "must be an Alibaba Cloud region id like eu-central-1" }),
  kubernetes: z.strictObject({
    /** Kubernetes minor; the ACK version string follows from `versions.ts`. */
    version: minorVersion("ack"),
    /** Pod CIDR, used by Flannel; Terway takes pod addresses from the pod vSwitches. */
    podCidr: cidr,
    serviceCidr: cidr,
    clusterDomain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a DNS domain" }),
  }),
  cluster: z.strictObject({
    name: dnsLabel,
    /** Managed only: ack.pro.small (Pro) or ack.standard (Basic). */
    spec: z.enum(["ack.pro.small", "ack.standard"], { error: "must be one of ack.pro.small, ack.standard" }),
    cni: z.enum(["terway", "flannel"]),
    proxyMode: z.enum(["ipvs", "iptables"]),
    deletionProtection: z.boolean(),
    /** Public API server endpoint (an EIP on the API server load balancer). */
    publicApiServer: z.boolean(),
    /** ACK add-ons installed at creation (names as in ACK's catalogue). */
    addons: z.array(z.strictObject({ name: z.string().min(1), config: z.string().optional(), disabled: z.boolean().optional() })),
  }),
  network: z.strictObject({
    vpcCidr: cidr,
    /** One node vSwitch per zone. */
    vswitches: z.array(z.strictObject({ zone: z.string().min(1), cidr })).min(1),
    /** Terway pod vSwitches, one per zone (same zones as `vswitches`). */
    podVswitches: z.array(z.strictObject({ zone: z.string().min(1), cidr })),
  }),
  nodePool: nodePoolSchema,
  /** ACK Dedicated only: masters run in our account, one per distinct zone. */
  masters: z.strictObject({
    count: z.number().int(),
    instanceType: z.string().regex(/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/, { error: "must be an ECS instance type like ecs.g7a.large" }),
    diskSizeGiB: z.number().int().min(40).max(500),
    diskCategory: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency"]),
  }),
  /** ACK Dedicated only: explicit opt-in to deploy a discontinued cluster type. */
  allowDedicatedDeploy: z.boolean(),
  nas: z.strictObject({
    storageType: z.enum(["Capacity", "Performance", "Premium"]),
    /** Export path mounted by the NAS PersistentVolume. */
    path: z.string().regex(/^\//, { error: "must be an absolute path" }),
  }),
  /**
   * ACK service roles are a one-time account prerequisite (docs/ack.md); the stack expects them to
   * exist and never creates them (account-wide roles must not be destroyed with one cluster).
   */
  serviceRoles: z.enum(["existing"], { error: "must be existing: authorise the ACK service roles once per account (console or Alibaba's quickstart, see docs/ack.md); the stack does not create them" }),
  backend: backendSchema,
  /**
   * Alibaba Container Registry (personal edition) for the images this repository builds: the
   * stack creates the namespace and one repository per image; deploy pushes to them.
   */
  containerRegistry: z.strictObject({
    /** ACR namespace (unique per region across all accounts in the personal edition). @default clusterkit */
    namespace: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,28}[a-z0-9]$/, { error: "must be 2-30 lower-case letters, digits, '_' or '-', starting and ending alphanumeric" }),
    /** PUBLIC: nodes pull with no credentials. PRIVATE: nodes need pull credentials (docs/ack.md). @default PUBLIC */
    visibility: z.enum(["PUBLIC", "PRIVATE"]),
  }),
  /** Where Terraform writes the kubeconfig, relative to the project root. */
  kubeconfigPath: projectPath,
  tags: z.record(z.string(), z.string()),
  webApp: webAppSchema,
  faas: faasSchema,
});
export type AckConfig = z.infer<typeof ackSchema>;

export interface EnvironmentConfigs {
  local: LocalConfig;
  "ack-managed": AckConfig;
  "ack-dedicated": AckConfig;
}

/** A named environment with its validated configuration. */
export type Environment =
  | { readonly name: "local"; readonly kind: "local"; readonly config: LocalConfig }
  | { readonly name: "ack-managed" | "ack-dedicated"; readonly kind: "ack"; readonly config: AckConfig };

export const ENVIRONMENT_SCHEMAS = {
  local: localSchema,
  "ack-managed": ackSchema,
  "ack-dedicated": ackSchema,
} as const;
