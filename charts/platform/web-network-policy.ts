/**
 * NetworkPolicies of the web namespace: deny everything, then admit HTTP to the web pods and DNS
 * out of the namespace. Enforced by Calico (local) and Terway (ACK); Flannel ignores them.
 */
import type { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";

export interface WebNetworkPolicyProps {
  readonly namespace: string;
  /** Labels selecting the web pods. */
  readonly podLabels: Record<string, string>;
  /** Container port admitted (traffic arrives at the pod port after the Service's DNAT). */
  readonly port: number;
}

export function addWebNetworkPolicies(scope: Construct, props: WebNetworkPolicyProps): void {
  const { namespace } = props;
  new k8s.KubeNetworkPolicy(scope, "default-deny", {
    metadata: { name: "default-deny", namespace },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  new k8s.KubeNetworkPolicy(scope, "allow-http", {
    metadata: { name: "allow-http-to-web", namespace },
    spec: {
      podSelector: { matchLabels: props.podLabels },
      policyTypes: ["Ingress"],
      // Any source: the LoadBalancer/ALB path SNATs clients to node or ALB addresses.
      ingress: [{ ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(props.port) }] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, "allow-dns", {
    metadata: { name: "allow-dns-egress", namespace },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: k8s.IntOrString.fromNumber(53) },
            { protocol: "TCP", port: k8s.IntOrString.fromNumber(53) },
          ],
        },
      ],
    },
  });
}
