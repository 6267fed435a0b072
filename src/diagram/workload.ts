/**
 * The workload as synthesized: one node per pod-producing object (Deployment, StatefulSet,
 * executor PodTemplates) grouped by namespace, with its Services, and the connections the
 * NetworkPolicies allow, computed by src/analysis/reachability.ts from the same manifests.
 */
import { factsOf } from "../config/profiles";
import { allowedEdges, dnsEndpoint, type Endpoint, type Labels, type PodEndpoint, ipEndpoint, networkModel, workloadEndpoints } from "../analysis/reachability";
import { selectorMatches } from "../analysis/selectors";
import { hostAddress, parseCidr } from "../config/ipv4";
import type { Environment } from "../config/schema";
import type { Infrastructure } from "./infrastructure";
import type { DiagramEdge, DiagramGroup, DiagramNode } from "./model";
import { API_SERVER_PORT } from "../contracts/ports";

/**
 * Stands for "any public address" when asking whether a pod may reach the internet
 * (a documentation address, RFC 5737: never a real host).
 */
const REPRESENTATIVE_PUBLIC_IP = "203.0.113.10";

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> };

interface ServiceInfo {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly selector: Labels;
  readonly ports: readonly { port: number; targetPort?: number | string; protocol?: string }[];
}

function services(objects: readonly Obj[]): ServiceInfo[] {
  return objects
    .filter((o) => o.kind === "Service" && o.spec && o.spec.selector)
    .map((o) => ({
      name: o.metadata?.name ?? "",
      namespace: o.metadata?.namespace ?? "default",
      type: String(o.spec?.type ?? "ClusterIP"),
      selector: o.spec?.selector as Labels,
      ports: (o.spec?.ports as ServiceInfo["ports"] | undefined) ?? [],
    }));
}

/** Names of the Services an Ingress routes to, per namespace. */
function ingressBackends(objects: readonly Obj[]): { namespace: string; service: string }[] {
  const out: { namespace: string; service: string }[] = [];
  for (const o of objects) {
    if (o.kind !== "Ingress") continue;
    const rules = (o.spec?.rules as { http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[] | undefined) ?? [];
    for (const r of rules)
      for (const p of r.http?.paths ?? [])
        if (p.backend?.service?.name) out.push({ namespace: o.metadata?.namespace ?? "default", service: p.backend.service.name });
  }
  return out;
}

const nodeId = (namespace: string, name: string) => `w_${`${namespace}_${name}`.replace(/[^A-Za-z0-9_]/g, "_")}`;

export interface WorkloadGraph {
  readonly groups: DiagramGroup[];
  readonly edges: DiagramEdge[];
  /** True when the CNI enforces NetworkPolicy (Calico, Terway); Flannel does not. */
  readonly enforced: boolean;
}

/** Namespaces of the workload in this environment (web app, FaaS, executors). */
function workloadNamespaces(env: Environment): string[] {
  const c = env.config;
  return [...(c.webApp.enabled ? [c.webApp.namespace] : []), ...(c.faas.enabled ? [c.faas.namespace, c.faas.executorNamespace] : [])];
}

export function workloadGraph(env: Environment, objects: readonly unknown[], infra: Infrastructure): WorkloadGraph {
  const objs = objects as Obj[];
  const namespaces = workloadNamespaces(env);
  const kinds = new Map(objs.map((o) => [`${o.metadata?.namespace ?? "default"}/${o.metadata?.name}|${o.kind}`, o.kind]));
  const pods: PodEndpoint[] = workloadEndpoints(objects)
    .filter((e) => namespaces.includes(e.namespace))
    .map((e) => ({ ...e, name: `${e.namespace}/${e.name}` }));
  const svcs = services(objs);
  const kindOf = (e: PodEndpoint) => {
    const [ns, name] = e.name.split("/");
    return ["Deployment", "StatefulSet", "DaemonSet", "PodTemplate", "Job", "CronJob", "Pod"].find((k) => kinds.has(`${ns}/${name}|${k}`)) ?? "Pod";
  };
  const servicesOf = (e: PodEndpoint) =>
    svcs.filter((s) => s.namespace === e.namespace && Object.keys(s.selector).length && selectorMatches({ matchLabels: s.selector }, e.labels));

  const facts = factsOf(env);
  const podCidrs = [...facts.podCidrs];
  const model = networkModel(objects, { podCidrs });

  // Endpoints outside the workload, mapped to the infrastructure nodes that stand for them.
  const external: { endpoint: Endpoint; node: string }[] = [];
  const dns = dnsEndpoint("kube-system/cluster DNS");
  external.push({ endpoint: dns, node: "dns" });
  if (env.kind === "local") {
    external.push({ endpoint: ipEndpoint("clients", env.config.network.hostIp), node: infra.clients });
    external.push({ endpoint: ipEndpoint("kube-apiserver", `${env.config.controlPlane.ip}:${API_SERVER_PORT}`), node: "vm_cp" });
  } else {
    const vsw = parseCidr(env.config.network.vswitches[0]!.cidr)!;
    // The ALB forwards from addresses inside the node vSwitches.
    external.push({ endpoint: ipEndpoint("clients", hostAddress(vsw, 100)), node: infra.entry });
  }
  external.push({ endpoint: ipEndpoint("internet", REPRESENTATIVE_PUBLIC_IP, [{ port: 443, protocol: "TCP" }]), node: "internet" });

  const idOf = new Map<string, string>([
    ...pods.map((p) => [p.name, nodeId(p.namespace, p.name.split("/")[1]!)] as const),
    ...external.map((x) => [x.endpoint.name, x.node] as const),
  ]);

  const groups: DiagramGroup[] = namespaces.map((ns) => ({
    id: `ns_${ns.replace(/[^A-Za-z0-9]/g, "_")}`,
    kind: "namespace",
    label: `namespace ${ns}`,
    groups: [],
    nodes: pods
      .filter((p) => p.namespace === ns)
      .map((p): DiagramNode => {
        const svc = servicesOf(p);
        return {
          id: idOf.get(p.name)!,
          kind: "component",
          lines: [
            p.name.split("/")[1]!,
            kindOf(p),
            ...(p.ports.length ? [`ports ${p.ports.map((x) => `${x.port}${x.name ? ` ${x.name}` : ""}`).join(", ")}`] : []),
            ...svc.map((s) => `Service ${s.name} (${s.type}) :${s.ports.map((x) => x.port).join(",")}`),
          ],
        };
      }),
  }));
  groups.push({
    id: "ns_kube_system",
    kind: "namespace",
    label: "namespace kube-system",
    groups: [],
    nodes: [{ id: "dns", kind: "service", lines: ["cluster DNS", "CoreDNS · 53/UDP, 53/TCP"] }],
  });

  // Clients only open connections; DNS, the API server and the internet only accept them (DNS
  // answering or the API server calling a webhook is not what the picture is about), and traffic
  // between two non-pod endpoints is not governed by NetworkPolicy at all.
  const podNames = new Set(pods.map((p) => p.name));
  const sourceOnly = new Set(["clients"]);
  const destinationOnly = new Set([dns.name, "kube-apiserver", "internet"]);
  const relevant = (from: string, to: string) => (podNames.has(from) || podNames.has(to)) && !sourceOnly.has(to) && !destinationOnly.has(from);

  const byPair = new Map<string, { from: string; to: string; ports: string[] }>();
  for (const e of allowedEdges(model, [...pods, ...external.map((x) => x.endpoint)], { selfEdges: true })) {
    if (!relevant(e.from, e.to)) continue;
    const from = idOf.get(e.from)!;
    const to = idOf.get(e.to)!;
    const key = `${from}>${to}`;
    const entry = byPair.get(key) ?? { from, to, ports: [] };
    const p = `${e.port}${e.protocol === "TCP" ? "" : `/${e.protocol}`}`;
    if (!entry.ports.includes(p)) entry.ports.push(p);
    byPair.set(key, entry);
  }
  const edges: DiagramEdge[] = [...byPair.values()].map((e) => ({
    from: e.from,
    to: e.to,
    kind: e.to === "dns" ? "dns" : "traffic",
    label: e.ports.join(", "),
  }));

  // Exposure: LoadBalancer Services get an address from MetalLB locally; Ingress backends on ACK.
  const backends = ingressBackends(objs);
  for (const p of pods) {
    const exposed = servicesOf(p).filter((s) =>
      facts.exposure.kind === "loadBalancer" ? s.type === "LoadBalancer" : backends.some((b) => b.namespace === s.namespace && b.service === s.name),
    );
    for (const s of exposed)
      edges.push({ from: infra.entry, to: idOf.get(p.name)!, kind: "announce", label: `${s.name}:${s.ports.map((x) => x.port).join(",")}` });
  }

  return { groups, edges, enforced: facts.cni.enforcesPolicy };
}
