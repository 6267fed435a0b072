/**
 * The two NetworkPolicies every namespace of ours starts from: deny all traffic both ways, then
 * let every Pod resolve names through the cluster DNS. Workload-specific allow rules come on top.
 */
import type { Construct } from "constructs";
import { k8s } from "../../../src/lib/k8s";

/** The cluster DNS port (kube-dns/CoreDNS, UDP and TCP). */
export const DNS_PORT = 53;

/** Selects the cluster DNS Pods (kubeadm's CoreDNS and ACK's both carry `k8s-app: kube-dns` in kube-system). */
export const CLUSTER_DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

export interface NamespacePolicyProps {
  readonly namespace: string;
  /** Name of the policy. @default "default-deny" (DefaultDenyPolicy), "allow-dns-egress" (DnsEgressPolicy) */
  readonly name?: string;
  /** Labels of the policy object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

function metadata(props: NamespacePolicyProps, defaultName: string): k8s.ObjectMeta {
  return { name: props.name ?? defaultName, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) };
}

/** Every Pod of the namespace: no traffic in, none out, until another policy admits it. */
export class DefaultDenyPolicy extends k8s.KubeNetworkPolicy {
  constructor(scope: Construct, id: string, props: NamespacePolicyProps) {
    super(scope, id, { metadata: metadata(props, "default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
  }
}

/** Every Pod of the namespace may reach the cluster DNS on port 53 (UDP and TCP), and nothing else. */
export class DnsEgressPolicy extends k8s.KubeNetworkPolicy {
  constructor(scope: Construct, id: string, props: NamespacePolicyProps) {
    super(scope, id, {
      metadata: metadata(props, "allow-dns-egress"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [CLUSTER_DNS_PEER],
            ports: [
              { protocol: "UDP", port: k8s.IntOrString.fromNumber(DNS_PORT) },
              { protocol: "TCP", port: k8s.IntOrString.fromNumber(DNS_PORT) },
            ],
          },
        ],
      },
    });
  }
}
