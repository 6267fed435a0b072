/**
 * Who may talk to whom under Kubernetes NetworkPolicy semantics, computed from synthesized
 * manifests (plain parsed objects, as in `dist/<env>/*.k8s.yaml`). Pure functions, no I/O.
 *
 * Semantics (networking.k8s.io/v1):
 * - A policy selects the pods of ITS namespace matching `spec.podSelector` (`{}` = all).
 * - `policyTypes` defaults to `["Ingress"]`, plus `"Egress"` when `spec.egress` is present.
 * - A pod selected by no policy of a type is not isolated in that direction: everything is allowed.
 * - An isolated pod allows what the union of the rules of the policies selecting it allows.
 * - A rule with no/empty `from`/`to` matches every peer; no/empty `ports` matches every port.
 * - In one peer, `podSelector` alone means pods in the policy's namespace; `namespaceSelector`
 *   alone means every pod in the matching namespaces; both together mean matching pods in
 *   matching namespaces; `ipBlock` matches addresses in `cidr` but not in any `except`.
 * - A named port in a rule matches the destination pod's container port of that name.
 * - Traffic is allowed only when the source's egress AND the destination's ingress allow it;
 *   an IP endpoint (outside, the API server on a node, ...) has no policies of its own.
 *
 * Pod addresses are not known before scheduling. An `ipBlock` is therefore taken to match a pod
 * endpoint when the pod has an explicit `ip` inside it, or, without one, when the block (minus its
 * excepts) overlaps one of the model's `podCidrs`. That over-approximates reachability, so a
 * "cannot reach" answer stays sound.
 */
import { type Cidr, parseCidr, parseIp } from "../config/ipv4";
import { type LabelSelector, type Labels, selectorMatches } from "./selectors";

export type { Labels } from "./selectors";

export type Protocol = "TCP" | "UDP" | "SCTP";

/** A port an endpoint listens on (container port for pods). */
export interface PortSpec {
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: Protocol;
  /** Container port name, which named ports in policies refer to. */
  readonly name?: string;
}

/** Pods of one workload: a namespace and the labels of its pod template. */
export interface PodEndpoint {
  readonly kind: "pod";
  /** Unique name of the endpoint (used in edges). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly PortSpec[];
  /** A known pod address (rarely known; see the module comment on ipBlock). */
  readonly ip?: string;
}

/** Something addressed by IP with no NetworkPolicy of its own: the outside, the API server. */
export interface IpEndpoint {
  readonly kind: "ip";
  readonly name: string;
  readonly ip: string;
  readonly ports: readonly PortSpec[];
}

export type Endpoint = PodEndpoint | IpEndpoint;

/** The parts of a NetworkPolicy the analysis reads. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}
export interface NetworkPolicyPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}
export interface NetworkPolicyRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}
export interface NetworkPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly ("Ingress" | "Egress")[];
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

export interface NetworkModel {
  /** Labels per namespace (always including `kubernetes.io/metadata.name`). */
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly policies: readonly NetworkPolicy[];
  /** Where pod addresses come from (see the module comment). */
  readonly podCidrs: readonly string[];
}

export interface NetworkModelOptions {
  /**
   * Pod address ranges, used to decide whether an ipBlock could contain a pod.
   * @default [] (ipBlocks never match pods without an explicit ip)
   */
  readonly podCidrs?: readonly string[];
  /**
   * Labels of namespaces that exist in the cluster but not in the manifests (e.g. kube-system).
   * @default {}
   */
  readonly extraNamespaces?: Readonly<Record<string, Labels>>;
}

/** Verdict for one direction (the source's egress or the destination's ingress). */
export interface DirectionVerdict {
  readonly allowed: boolean;
  /** True when some policy of this direction selects the endpoint. */
  readonly isolated: boolean;
  /** `namespace/name` of the policies whose rules allow the traffic. */
  readonly allowedBy: readonly string[];
}

export interface Reachability {
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
}

/** One allowed connection between named endpoints. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The destination's name for the port, when it has one. */
  readonly portName?: string;
}

// ---------------------------------------------------------------------------------------------
// Reading manifests
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function labelsOf(v: unknown): Labels {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === "string") out[k] = val;
  return out;
}
function metadata(o: Obj): { name: string; namespace: string; labels: Labels } {
  const m = obj(o.metadata);
  return { name: String(m.name ?? ""), namespace: typeof m.namespace === "string" ? m.namespace : "default", labels: labelsOf(m.labels) };
}

const NAME_LABEL = "kubernetes.io/metadata.name";

/** Namespaces, NetworkPolicies and options in one model. */
export function networkModel(objects: readonly unknown[], options: NetworkModelOptions = {}): NetworkModel {
  const namespaces = new Map<string, Labels>();
  for (const [name, labels] of Object.entries(options.extraNamespaces ?? {})) namespaces.set(name, { ...labels, [NAME_LABEL]: name });
  const policies: NetworkPolicy[] = [];
  for (const o of objects) {
    if (!isObj(o)) continue;
    if (o.kind === "Namespace") {
      const m = metadata(o);
      // The API server sets this label on every namespace; selectors commonly rely on it.
      namespaces.set(m.name, { ...m.labels, [NAME_LABEL]: m.name });
    } else if (o.kind === "NetworkPolicy") {
      policies.push(parseNetworkPolicy(o));
    }
  }
  return { namespaces, policies, podCidrs: options.podCidrs ?? [] };
}

function parseNetworkPolicy(o: Obj): NetworkPolicy {
  const m = metadata(o);
  const spec = obj(o.spec);
  const types = arr(spec.policyTypes).filter((t): t is "Ingress" | "Egress" => t === "Ingress" || t === "Egress");
  const policyTypes = spec.policyTypes !== undefined ? types : spec.egress !== undefined ? (["Ingress", "Egress"] as const) : (["Ingress"] as const);
  return {
    name: m.name,
    namespace: m.namespace,
    podSelector: obj(spec.podSelector) as LabelSelector,
    policyTypes,
    ingress: arr(spec.ingress).map((r) => obj(r) as NetworkPolicyRule),
    egress: arr(spec.egress).map((r) => obj(r) as NetworkPolicyRule),
  };
}

function podSpecEndpoint(name: string, namespace: string, labels: Labels, podSpec: Obj): PodEndpoint {
  const ports: PortSpec[] = [];
  for (const c of [...arr(podSpec.containers), ...arr(podSpec.initContainers)]) {
    for (const p of arr(obj(c).ports)) {
      const port = obj(p);
      if (typeof port.containerPort !== "number") continue;
      ports.push({
        port: port.containerPort,
        protocol: (port.protocol as Protocol | undefined) ?? "TCP",
        ...(typeof port.name === "string" ? { name: port.name } : {}),
      });
    }
  }
  return { kind: "pod", name, namespace, labels, ports };
}

/**
 * One endpoint per pod-producing object: Pod, PodTemplate, and the pod template of Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job and CronJob. Named after `metadata.name`.
 */
export function workloadEndpoints(objects: readonly unknown[]): PodEndpoint[] {
  const out: PodEndpoint[] = [];
  for (const o of objects) {
    if (!isObj(o)) continue;
    const m = metadata(o);
    let template: Obj | undefined;
    switch (o.kind) {
      case "Pod":
        out.push(podSpecEndpoint(m.name, m.namespace, m.labels, obj(o.spec)));
        continue;
      case "PodTemplate":
        template = obj(o.template);
        break;
      case "Deployment":
      case "StatefulSet":
      case "DaemonSet":
      case "ReplicaSet":
      case "Job":
        template = obj(obj(o.spec).template);
        break;
      case "CronJob":
        template = obj(obj(obj(obj(o.spec).jobTemplate).spec).template);
        break;
      default:
        continue;
    }
    out.push(podSpecEndpoint(m.name, m.namespace, labelsOf(obj(template.metadata).labels), obj(template.spec)));
  }
  return out;
}

/** The cluster DNS pods (CoreDNS keeps the kube-dns labels and port names). */
export function dnsEndpoint(name = "dns"): PodEndpoint {
  return {
    kind: "pod",
    name,
    namespace: "kube-system",
    labels: { "k8s-app": "kube-dns" },
    ports: [
      { port: 53, protocol: "UDP", name: "dns" },
      { port: 53, protocol: "TCP", name: "dns-tcp" },
    ],
  };
}

/** An IP endpoint from `a.b.c.d` or `a.b.c.d:port` (e.g. the API server `192.168.60.11:6443`). */
export function ipEndpoint(name: string, address: string, extraPorts: readonly PortSpec[] = []): IpEndpoint {
  const [ip, port, extra] = address.split(":");
  if (extra !== undefined || ip === undefined || parseIp(ip) === undefined) throw new Error(`${address} is not an IPv4 address with an optional port`);
  const ports: PortSpec[] = [];
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${address} has an invalid port`);
    ports.push({ port: n, protocol: "TCP" });
  }
  return { kind: "ip", name, ip, ports: [...ports, ...extraPorts] };
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

function namespaceLabels(model: NetworkModel, namespace: string): Labels {
  return model.namespaces.get(namespace) ?? { [NAME_LABEL]: namespace };
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`ipBlock ${text} is not a valid IPv4 CIDR`);
  return c;
}

/** True when the part of [first, last] not covered by `holes` is non-empty. */
function rangeHasUncovered(first: number, last: number, holes: readonly Cidr[]): boolean {
  let next = first;
  for (const h of [...holes].sort((a, b) => a.first - b.first)) {
    if (h.last < next) continue;
    if (h.first > next) return true;
    next = h.last + 1;
    if (next > last) return false;
  }
  return next <= last;
}

function ipBlockMatches(model: NetworkModel, block: NonNullable<NetworkPolicyPeer["ipBlock"]>, endpoint: Endpoint): boolean {
  const range = cidr(block.cidr);
  const excepts = (block.except ?? []).map(cidr);
  const ip = endpoint.ip !== undefined ? parseIp(endpoint.ip) : undefined;
  if (ip !== undefined) {
    return ip >= range.first && ip <= range.last && !excepts.some((e) => ip >= e.first && ip <= e.last);
  }
  // A pod without a known address could have any address in the pod ranges.
  return model.podCidrs.map(cidr).some((pods) => {
    const first = Math.max(pods.first, range.first);
    const last = Math.min(pods.last, range.last);
    return first <= last && rangeHasUncovered(first, last, excepts);
  });
}

function peerMatches(model: NetworkModel, policyNamespace: string, peer: NetworkPolicyPeer, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return ipBlockMatches(model, peer.ipBlock, endpoint);
  if (!peer.podSelector && !peer.namespaceSelector) return false; // an empty peer is rejected by the API server
  if (endpoint.kind !== "pod") return false; // selectors only ever select pods
  const inNamespace = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(model, endpoint.namespace))
    : endpoint.namespace === policyNamespace;
  return inNamespace && (!peer.podSelector || selectorMatches(peer.podSelector, endpoint.labels));
}

function portMatches(rulePort: NetworkPolicyPort, port: number, protocol: Protocol, destination: Endpoint): boolean {
  if ((rulePort.protocol ?? "TCP") !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === "number") {
    return rulePort.endPort !== undefined ? port >= rulePort.port && port <= rulePort.endPort : port === rulePort.port;
  }
  // A named port resolves against the destination pod's container ports.
  if (destination.kind !== "pod") return false;
  return destination.ports.some((p) => p.name === rulePort.port && p.port === port && (p.protocol ?? "TCP") === protocol);
}

function ruleMatches(
  model: NetworkModel,
  policy: NetworkPolicy,
  rule: NetworkPolicyRule,
  peers: readonly NetworkPolicyPeer[] | undefined,
  peer: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
): boolean {
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(model, policy.namespace, p, peer));
  const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, port, protocol, destination));
  return peerOk && portOk;
}

function direction(
  model: NetworkModel,
  type: "Ingress" | "Egress",
  subject: Endpoint,
  peer: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
): DirectionVerdict {
  if (subject.kind !== "pod") return { allowed: true, isolated: false, allowedBy: [] };
  const selecting = model.policies.filter(
    (p) => p.namespace === subject.namespace && p.policyTypes.includes(type) && selectorMatches(p.podSelector, subject.labels),
  );
  if (selecting.length === 0) return { allowed: true, isolated: false, allowedBy: [] };
  const allowedBy = selecting
    .filter((p) =>
      (type === "Ingress" ? p.ingress : p.egress).some((r) => ruleMatches(model, p, r, type === "Ingress" ? r.from : r.to, peer, destination, port, protocol)),
    )
    .map((p) => `${p.namespace}/${p.name}`);
  return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}

/**
 * Whether `from` may open a connection to `to` on destination port `port` (the pod's port, after
 * Service translation). Both the source's egress and the destination's ingress must allow it.
 */
export function reachability(model: NetworkModel, from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP"): Reachability {
  const egress = direction(model, "Egress", from, to, to, port, protocol);
  const ingress = direction(model, "Ingress", to, from, to, port, protocol);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** Shorthand for `reachability(...).allowed`. */
export function canReach(model: NetworkModel, from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP"): boolean {
  return reachability(model, from, to, port, protocol).allowed;
}

export interface EdgeOptions {
  /** Also list connections between pods of the same endpoint (e.g. NATS cluster routes). @default false */
  readonly selfEdges?: boolean;
}

/**
 * Every allowed connection between the given endpoints, on each port the destination lists
 * (an endpoint with no ports receives no edges). Endpoint names must be unique.
 */
export function allowedEdges(model: NetworkModel, endpoints: readonly Endpoint[], options: EdgeOptions = {}): Edge[] {
  const names = new Set<string>();
  for (const e of endpoints) {
    if (names.has(e.name)) throw new Error(`endpoint name ${e.name} is used twice`);
    names.add(e.name);
  }
  const edges: Edge[] = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to && !(options.selfEdges && from.kind === "pod")) continue;
      for (const p of to.ports) {
        const protocol = p.protocol ?? "TCP";
        if (canReach(model, from, to, p.port, protocol)) {
          edges.push({ from: from.name, to: to.name, port: p.port, protocol, ...(p.name ? { portName: p.name } : {}) });
        }
      }
    }
  }
  return edges;
}
