/**
 * Cross-field rules that a per-field schema cannot express: addresses inside their networks,
 * unique and disjoint ranges, supported versions, sizes in the right order.
 * Each rule reports `path: message`, with the path relative to the environment.
 */
import { MAX_OUTPUT_LIMIT_BYTES } from "../../service/contract/executor";
import { faasSecrets } from "../contracts/secrets";
import { addressField } from "./addresses";
import { localVolumeNodes } from "../contracts/storage";
import { type Cidr, cidrContainsCidr, cidrContainsIp, cidrsOverlap, parseCidr, parseIp } from "./ipv4";
import { parseBytes } from "./quantity";
import type { AckConfig, EnvironmentName, FaasConfig, HpaConfig, LocalConfig, WebAppConfig } from "./schema";
import { writablePathProblem } from "../contracts/state-paths";
import { runtimeProblems } from "./runtime-rules";

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export type Report = (path: string, message: string) => void;

interface NamedCidr {
  readonly path: string;
  readonly cidr: Cidr;
}

/** Reports every pair of blocks that overlap (each pair once, named by both paths). */
function checkDisjoint(blocks: readonly (NamedCidr | undefined)[], report: Report): void {
  const present = blocks.filter((b): b is NamedCidr => b !== undefined);
  for (let i = 0; i < present.length; i++) {
    for (let j = i + 1; j < present.length; j++) {
      const a = present[i]!;
      const b = present[j]!;
      if (cidrsOverlap(a.cidr, b.cidr)) {
        report(b.path, `${b.cidr.text} overlaps ${a.path} (${a.cidr.text}); these ranges must be disjoint`);
      }
    }
  }
}

function named(path: string, text: string): NamedCidr | undefined {
  const c = parseCidr(text);
  return c ? { path, cidr: c } : undefined;
}

function checkHpa(path: string, hpa: HpaConfig, report: Report): void {
  if (hpa.minReplicas > hpa.maxReplicas) {
    report(`${path}.maxReplicas`, `must be >= minReplicas (${hpa.minReplicas}), got ${hpa.maxReplicas}`);
  }
}

/** Seconds an executor Pod needs beyond compile and run: start, runner bookkeeping, the report. */
const EXECUTOR_DEADLINE_MARGIN_SECONDS = 15;

function checkExecutors(faas: FaasConfig, report: Report): void {
  const { limits, deadlineSeconds } = faas.executors;
  const needed = limits.compileTimeoutSeconds + limits.runTimeoutSeconds + EXECUTOR_DEADLINE_MARGIN_SECONDS;
  if (deadlineSeconds < needed) {
    report(
      "faas.executors.deadlineSeconds",
      `${deadlineSeconds} is shorter than limits.compileTimeoutSeconds + limits.runTimeoutSeconds + ${EXECUTOR_DEADLINE_MARGIN_SECONDS} s of start and report (${needed}); raise it or lower the limits`,
    );
  }
  const output = parseBytes(limits.output);
  if (output !== undefined && output > MAX_OUTPUT_LIMIT_BYTES) {
    report(
      "faas.executors.limits.output",
      `${limits.output} is over 1Mi, the most one result frame can carry for each of stdout, stderr and the output folder`,
    );
  }
}

/**
 * The workload's namespaces are pairwise distinct (each gets its own Pod Security level and
 * default-deny policies), and no Secret the deploy step creates shares a name with another.
 */
function checkWorkload(webApp: WebAppConfig, faas: FaasConfig, report: Report): void {
  const namespaces = [
    ...(webApp.enabled ? [{ path: "webApp.namespace", ns: webApp.namespace }] : []),
    ...(faas.enabled
      ? [
          { path: "faas.namespace", ns: faas.namespace },
          { path: "faas.executorNamespace", ns: faas.executorNamespace },
        ]
      : []),
  ];
  const seen = new Map<string, string>();
  for (const { path, ns } of namespaces) {
    const previous = seen.get(ns);
    if (previous) report(path, `'${ns}' is already ${previous}; every workload namespace must be its own`);
    else seen.set(ns, path);
  }
  if (!faas.enabled) return;
  const secrets = new Map<string, number>();
  for (const s of faasSecrets(faas)) secrets.set(`${s.namespace}/${s.name}`, (secrets.get(`${s.namespace}/${s.name}`) ?? 0) + 1);
  if ((secrets.get(`${faas.namespace}/${faas.oauth2Proxy.secretName}`) ?? 0) > 1) {
    report(
      "faas.oauth2Proxy.secretName",
      `'${faas.oauth2Proxy.secretName}' is the name of a Secret the deploy step generates in ${faas.namespace}; choose another name`,
    );
  }
  const provider = faas.oauth2Proxy.provider;
  if ((provider === "oidc" || provider === "keycloak-oidc") && !faas.oauth2Proxy.oidcIssuerUrl) {
    report(
      "faas.oauth2Proxy.oidcIssuerUrl",
      `is required when provider is ${provider} (the https URL of the issuer, e.g. https://keycloak.example.com/realms/main)`,
    );
  }
}

/** Paths Terraform writes must stay in state/<env>/ (or be absolute) and must not coincide. */
function checkWritablePaths(env: EnvironmentName, paths: readonly { path: string; role: "kubeconfig" | "state"; value: string }[], report: Report): void {
  for (const p of paths) {
    const problem = writablePathProblem(env, p.role, p.value);
    if (problem) report(p.path, problem);
  }
  const [a, b] = paths;
  if (a && b && a.value.replace(/\\/g, "/").replace(/^\.\//, "") === b.value.replace(/\\/g, "/").replace(/^\.\//, ""))
    report(b.path, `must differ from ${a.path}`);
}

export function localProblems(c: LocalConfig, report: Report): void {
  const network = parseCidr(c.network.cidr);
  checkDisjoint(
    [
      named("network.cidr", c.network.cidr),
      named("kubernetes.podCidr", c.kubernetes.podCidr),
      named("kubernetes.serviceCidr", c.kubernetes.serviceCidr),
      named("network.natCidr", c.network.natCidr),
    ],
    report,
  );

  // Every fixed address: inside the host-only network, not its network/broadcast address, unique.
  // Addresses from host numbers are named by their host-number field (see addresses.ts).
  const addresses: { path: string; ip: string; shown: string }[] = [
    { path: "network.hostIp", ip: c.network.hostIp, shown: c.network.hostIp },
    { ...addressField("controlPlane", c.controlPlane), ip: c.controlPlane.ip },
    ...c.workers.map((w, i) => ({ ...addressField(`workers.${i}`, w), ip: w.ip })),
    { ...addressField("nfs", c.nfs), ip: c.nfs.ip },
  ];
  const seen = new Map<number, string>();
  for (const { path, ip, shown } of addresses) {
    const value = parseIp(ip);
    if (value === undefined) continue; // already reported by the schema
    if (network) {
      if (!cidrContainsIp(network, value)) report(path, `${shown} is outside network.cidr (${network.text})`);
      else if (value === network.first || value === network.last) report(path, `${shown} is the network or broadcast address of ${network.text}`);
    }
    const previous = seen.get(value);
    if (previous) report(path, `${shown} is already used by ${previous}; addresses must be unique`);
    else seen.set(value, path);
  }

  const names = new Map<string, string>();
  const vms = [
    { path: "controlPlane.name", name: c.controlPlane.name },
    ...c.workers.map((w, i) => ({ path: `workers.${i}.name`, name: w.name })),
    { path: "nfs.name", name: c.nfs.name },
  ];
  for (const { path, name } of vms) {
    const previous = names.get(name);
    if (previous) report(path, `'${name}' is already used by ${previous}; VM names must be unique`);
    else names.set(name, path);
  }

  // MetalLB pool: inside the network, ordered, and clear of every fixed address.
  const start = parseIp(c.metallb.addressStart);
  const end = parseIp(c.metallb.addressEnd);
  const m = c.metallb;
  const startField =
    m.firstHostNumber !== undefined
      ? { path: "metallb.firstHostNumber", shown: `${m.addressStart} (host number ${m.firstHostNumber})` }
      : { path: "metallb.addressStart", shown: m.addressStart };
  const endField =
    m.lastHostNumber !== undefined
      ? { path: "metallb.lastHostNumber", shown: `${m.addressEnd} (host number ${m.lastHostNumber})` }
      : { path: "metallb.addressEnd", shown: m.addressEnd };
  if (network && start !== undefined && end !== undefined) {
    if (!cidrContainsIp(network, start) || start === network.first)
      report(startField.path, `${startField.shown} is not a host address of network.cidr (${network.text})`);
    if (!cidrContainsIp(network, end) || end === network.last)
      report(endField.path, `${endField.shown} is not a host address of network.cidr (${network.text})`);
    if (start > end) report(endField.path, `must not come before the pool's start ${startField.shown}`);
    for (const [ip, path] of seen) {
      if (ip >= start && ip <= end)
        report("metallb", `pool ${m.addressStart}-${m.addressEnd} contains ${path}; the pool must be clear of node and host addresses`);
    }
  }

  checkHpa("webApp.hpa", c.webApp.hpa, report);
  checkHpa("faas.frontend.hpa", c.faas.frontend.hpa, report);
  checkHpa("faas.middleware.hpa", c.faas.middleware.hpa, report);
  checkExecutors(c.faas, report);
  checkSignIn(c.faas, report);
  checkWorkload(c.webApp, c.faas, report);
  checkWritablePaths("local", [{ path: "kubeconfigPath", role: "kubeconfig", value: c.kubeconfigPath }], report);

  // kubeadm's controller-manager gives every node a /24 of the pod network.
  const pods = parseCidr(c.kubernetes.podCidr);
  const k8sNodes = 1 + c.workers.length;
  if (pods && 2 ** (24 - pods.prefix) < k8sNodes) {
    report(
      "kubernetes.podCidr",
      `/${pods.prefix} holds ${2 ** (24 - pods.prefix)} node range(s) of /24, but the cluster has ${k8sNodes} Kubernetes nodes; use /${24 - Math.ceil(Math.log2(k8sNodes))} or larger`,
    );
  }
  runtimeProblems("local", c, report);

  // Each NATS server claims one local PV (no provisioner): with fewer PVs, servers stay Pending
  // and JetStream loses its quorum.
  const nodes = localVolumeNodes(c).length;
  const localPvs = nodes * c.localVolumes.perNode;
  if (c.faas.enabled && localPvs < c.faas.nats.replicas) {
    report(
      "faas.nats.replicas",
      `${c.faas.nats.replicas} NATS servers need as many local volumes, but the ${nodes} Kubernetes nodes (control plane + workers) × localVolumes.perNode (${c.localVolumes.perNode}) give ${localPvs}; raise localVolumes.perNode or add workers, or lower faas.nats.replicas`,
    );
  }
}

/** The three private ranges ACK accepts for a VPC. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t)!);

export function ackProblems(env: EnvironmentName, c: AckConfig, report: Report): void {
  checkWritablePaths(
    env,
    [
      { path: "kubeconfigPath", role: "kubeconfig", value: c.kubeconfigPath },
      ...(c.backend.type === "local" ? [{ path: "backend.path", role: "state" as const, value: c.backend.path }] : []),
    ],
    report,
  );
  checkWorkload(c.webApp, c.faas, report);
  const vpc = parseCidr(c.network.vpcCidr);
  if (vpc && !PRIVATE_RANGES.some((r) => cidrContainsCidr(r, vpc))) {
    report("network.vpcCidr", `${vpc.text} must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
  }
  const service = parseCidr(c.kubernetes.serviceCidr);
  if (service && (service.prefix < 16 || service.prefix > 24)) {
    report("kubernetes.serviceCidr", `prefix /${service.prefix} is outside ACK's allowed /16 to /24`);
  }

  // vSwitches: inside the VPC, one per distinct zone, all blocks disjoint.
  const checkVswitches = (key: "vswitches" | "podVswitches") => {
    const zones = new Map<string, number>();
    c.network[key].forEach((v, i) => {
      const block = parseCidr(v.cidr);
      if (vpc && block && !cidrContainsCidr(vpc, block)) report(`network.${key}.${i}.cidr`, `${v.cidr} is outside network.vpcCidr (${vpc.text})`);
      const previous = zones.get(v.zone);
      if (previous !== undefined) report(`network.${key}.${i}.zone`, `${v.zone} already has ${key}.${previous}; use one vSwitch per zone`);
      else zones.set(v.zone, i);
    });
    return zones;
  };
  // A zone id starts with its region's id (eu-central-1a, cn-hangzhou-k).
  for (const key of ["vswitches", "podVswitches"] as const) {
    c.network[key].forEach((v, i) => {
      if (!v.zone.startsWith(c.region))
        report(`network.${key}.${i}.zone`, `${v.zone} is not a zone of region ${c.region}; list the region's zones (one vSwitch per zone)`);
    });
  }
  const nodeZones = checkVswitches("vswitches");
  const podZones = checkVswitches("podVswitches");

  const terway = c.cluster.cni === "terway";
  checkDisjoint(
    [
      ...c.network.vswitches.map((v, i) => named(`network.vswitches.${i}.cidr`, v.cidr)),
      ...(terway ? c.network.podVswitches.map((v, i) => named(`network.podVswitches.${i}.cidr`, v.cidr)) : []),
    ],
    report,
  );
  // Pod (Flannel) and service ranges must be clear of the VPC and of each other.
  checkDisjoint(
    [named("network.vpcCidr", c.network.vpcCidr), named("kubernetes.podCidr", c.kubernetes.podCidr), named("kubernetes.serviceCidr", c.kubernetes.serviceCidr)],
    report,
  );

  if (nodeZones.size < 3) report("network.vswitches", `spans ${nodeZones.size} zone(s); a multi-zone cluster needs vSwitches in at least 3 distinct zones`);
  if (terway) {
    if (c.network.podVswitches.length === 0) report("network.podVswitches", "must list one pod vSwitch per zone when cluster.cni is terway");
    for (const zone of nodeZones.keys()) {
      if (c.network.podVswitches.length > 0 && !podZones.has(zone))
        report("network.podVswitches", `has no vSwitch in zone ${zone}; Terway needs one in every node zone`);
    }
  }

  const pool = c.nodePool;
  if (pool.autoscaling.minSize > pool.autoscaling.maxSize) {
    report("nodePool.autoscaling.minSize", `${pool.autoscaling.minSize} is greater than nodePool.autoscaling.maxSize (${pool.autoscaling.maxSize})`);
  } else if (pool.autoscaling.enabled && (pool.desiredSize < pool.autoscaling.minSize || pool.desiredSize > pool.autoscaling.maxSize)) {
    report("nodePool.desiredSize", `${pool.desiredSize} is outside the autoscaling bounds ${pool.autoscaling.minSize}..${pool.autoscaling.maxSize}`);
  }

  if (c.cluster.type === "dedicated") {
    const count = c.masters.count;
    if (count !== 3 && count !== 5) report("masters.count", `${count} is not allowed; ACK Dedicated runs 3 or 5 masters`);
    else if (nodeZones.size < count)
      report("masters.count", `${count} masters need ${count} distinct zones (one per zone), but network.vswitches spans ${nodeZones.size}`);
  }

  checkHpa("webApp.hpa", c.webApp.hpa, report);
  checkHpa("faas.frontend.hpa", c.faas.frontend.hpa, report);
  checkHpa("faas.middleware.hpa", c.faas.middleware.hpa, report);
  checkExecutors(c.faas, report);
  checkSignIn(c.faas, report);
  runtimeProblems("ack", c, report);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * `emailDomains: *` admits every account the provider authenticates. That is only acceptable
 * when the redirect URL is on this machine (loopback), where nobody else can finish a login.
 */
function checkSignIn(faas: LocalConfig["faas"], report: Report): void {
  if (!faas.enabled || faas.oauth2Proxy.signIn !== "provider" || !faas.oauth2Proxy.emailDomains.includes("*")) return;
  const host = new URL(faas.oauth2Proxy.redirectUrl).hostname;
  if (!LOOPBACK_HOSTS.has(host)) {
    report(
      "faas.oauth2Proxy.emailDomains",
      `'*' admits every account of the provider, and the redirect URL ${faas.oauth2Proxy.redirectUrl} is reachable from other machines; list the email domains allowed to sign in`,
    );
  }
}
