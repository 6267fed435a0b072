/**
 * NetworkPolicies reproducing the documents' three docker-compose networks, tighter:
 * default deny in both namespaces, then only the arrows of the design.
 *
 *   outside -> oauth2-proxy:4180 -> frontend:<port> -> nats:4222 <- middleware -> API server
 *                                                          (6222 between NATS servers)
 *   executors: nothing, either way (not even DNS): the job's source arrives as a projected
 *   annotation and its result leaves through the kubelet's log API, neither of which is network.
 * The service namespace's pods may resolve names through kube-dns. NetworkPolicy cannot block the
 * node's own traffic to its pods, so kubelet probes keep working without a rule.
 */
import { factsOf } from "../../src/config/profiles";
import { Construct } from "constructs";
import { hostAddress, parseCidr } from "../../src/config/ipv4";
import type { Environment } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { DefaultDenyPolicy, DnsEgressPolicy } from "../shared/workload";
import { PORTS } from "./names";
import { type Component, componentLabels, COMPONENTS } from "../../src/contracts/faas";

/** Ranges that are never the identity provider: private, carrier-grade NAT (Alibaba's metadata service 100.100.100.200), link-local (169.254.169.254), loopback. */
const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"] as const;

export interface ApiServerTarget {
  readonly cidr: string;
  readonly ports: readonly number[];
}

/**
 * Where the Kubernetes API answers, as seen by a NetworkPolicy. Most CNIs evaluate egress after
 * kube-proxy's DNAT, so the endpoint itself (control plane :6443) must be allowed; the Service
 * address (first IP of the service CIDR, :443) covers CNIs that evaluate before DNAT.
 * On ACK the API server's internal load balancer gets its VPC address only at creation, after
 * the manifests are written, so the whole VPC CIDR is allowed on 6443 and 443.
 */
export function apiServerTargets(env: Environment): ApiServerTarget[] {
  const serviceCidr = parseCidr(env.config.kubernetes.serviceCidr);
  if (!serviceCidr) throw new Error(`kubernetes.serviceCidr ${env.config.kubernetes.serviceCidr} did not parse after validation`);
  const serviceIp = { cidr: `${hostAddress(serviceCidr, 1)}/32`, ports: [443] };
  return [...factsOf(env).apiServerEndpoints.map((e) => ({ cidr: e.cidr, ports: [...e.ports] })), serviceIp];
}

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: k8s.IntOrString.fromNumber(port) });
const pods = (component: Component): k8s.NetworkPolicyPeer => ({ podSelector: { matchLabels: componentLabels(component) } });

const POLICY_LABELS = { "app.kubernetes.io/part-of": "faas" };

function policy(scope: Construct, name: string, namespace: string, spec: k8s.NetworkPolicySpec): void {
  new k8s.KubeNetworkPolicy(scope, `netpol-${name}`, { metadata: { name, namespace, labels: POLICY_LABELS }, spec });
}

export interface FaasNetworkPoliciesProps {
  /** The service namespace (oauth2-proxy, frontend, NATS, middleware). */
  readonly namespace: string;
  /** The executor namespace. */
  readonly executorNamespace: string;
  /** The frontend's container port (`faas.frontend.port`). */
  readonly frontendPort: number;
  /** Where the middleware reaches the Kubernetes API (apiServerTargets). */
  readonly apiServer: readonly ApiServerTarget[];
}

export class FaasNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: FaasNetworkPoliciesProps) {
    super(scope, id);
    const ns = props.namespace;
    const exNs = props.executorNamespace;
    const select = (c: Component) => ({ matchLabels: componentLabels(c) });

    new DefaultDenyPolicy(this, "netpol-default-deny", { name: "default-deny", namespace: ns, labels: POLICY_LABELS });
    // The service namespace's pods may resolve names through kube-dns.
    new DnsEgressPolicy(this, "netpol-allow-dns", { name: "allow-dns", namespace: ns, labels: POLICY_LABELS });
    // The executor namespace gets no allow rule at all: executors and the image pre-pull pods need no network.
    new DefaultDenyPolicy(this, "netpol-executors-default-deny", { name: "executors-default-deny", namespace: exNs, labels: POLICY_LABELS });

    // oauth2-proxy: the only door from outside, and it talks to the frontend and the IdP.
    policy(this, "oauth2-proxy", ns, {
      podSelector: select(COMPONENTS.oauth2Proxy),
      policyTypes: ["Ingress", "Egress"],
      // Any source: LoadBalancer/ALB traffic arrives from node or load-balancer addresses.
      ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(PORTS.oauth2Proxy)] }],
      egress: [
        { to: [pods(COMPONENTS.frontend)], ports: [tcp(props.frontendPort)] },
        // The identity provider over HTTPS; its addresses are not fixed, but they are public.
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_RANGES] } }], ports: [tcp(443)] },
      ],
    });

    policy(this, "frontend", ns, {
      podSelector: select(COMPONENTS.frontend),
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [pods(COMPONENTS.oauth2Proxy)], ports: [tcp(props.frontendPort)] }],
      egress: [{ to: [pods(COMPONENTS.nats)], ports: [tcp(PORTS.natsClient)] }],
    });

    policy(this, "middleware", ns, {
      podSelector: select(COMPONENTS.middleware),
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        { to: [pods(COMPONENTS.nats)], ports: [tcp(PORTS.natsClient)] },
        ...props.apiServer.map((t) => ({ to: [{ ipBlock: { cidr: t.cidr } }], ports: t.ports.map(tcp) })),
      ],
    });

    policy(this, "nats", ns, {
      podSelector: select(COMPONENTS.nats),
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [pods(COMPONENTS.frontend), pods(COMPONENTS.middleware)], ports: [tcp(PORTS.natsClient)] },
        { from: [pods(COMPONENTS.nats)], ports: [tcp(PORTS.natsCluster)] },
      ],
      egress: [{ to: [pods(COMPONENTS.nats)], ports: [tcp(PORTS.natsCluster)] }],
    });

    // Executors run untrusted code: nothing in, nothing out, DNS included. Stated for them explicitly
    // as well, so the intent survives an edit of the namespace default.
    policy(this, "executors", exNs, {
      podSelector: select(COMPONENTS.executor),
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
  }
}
