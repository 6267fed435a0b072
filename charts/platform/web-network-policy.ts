/**
 * NetworkPolicies of the web namespace: deny everything, then admit HTTP to the web pods and DNS
 * out of the namespace. Enforced by Calico (local) and Terway (ACK); Flannel ignores them.
 */
import { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";
import { DefaultDenyPolicy, DnsEgressPolicy } from "../shared/workload";

export interface WebNetworkPoliciesProps {
  readonly namespace: string;
  /** Labels selecting the web pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container port admitted (traffic arrives at the pod port after the Service's DNAT). */
  readonly port: number;
}

export class WebNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: WebNetworkPoliciesProps) {
    super(scope, id);
    const { namespace } = props;
    new DefaultDenyPolicy(this, "default-deny", { namespace });
    new k8s.KubeNetworkPolicy(this, "allow-http", {
      metadata: { name: "allow-http-to-web", namespace },
      spec: {
        podSelector: { matchLabels: { ...props.podLabels } },
        policyTypes: ["Ingress"],
        // Any source: the LoadBalancer/ALB path SNATs clients to node or ALB addresses.
        ingress: [{ ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(props.port) }] }],
      },
    });
    new DnsEgressPolicy(this, "allow-dns", { namespace });
  }
}
