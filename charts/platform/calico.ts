/**
 * Calico through the Tigera operator: the operator and its CRDs are upstream installs
 * (`src/config/upstream.ts`); this chart only holds our `Installation`. No `APIServer`: it serves
 * Calico's own `projectcalico.org/v3` API, which nothing here uses (Kubernetes NetworkPolicy is
 * enforced without it), so leaving it out keeps one Deployment and its webhook off the cluster.
 */
import { Construct } from "constructs";
import { Chart } from "../../src/lib/k8s";
import {
  Installation,
  InstallationSpecCalicoNetworkIpPoolsEncapsulation as Encapsulation,
  InstallationSpecCalicoNetworkIpPoolsNatOutgoing as NatOutgoing,
} from "../imports/operator.tigera.io";

export interface CalicoChartProps {
  /** The pod network (`kubernetes.podCidr`). */
  readonly podCidr: string;
  /** The node NIC whose address Calico uses (`network.guestInterface`, the host-only one). */
  readonly nodeInterface: string;
  /**
   * Encapsulation of the pod pool. VXLANCrossSubnet routes directly between nodes on the same
   * host-only subnet and only tunnels across subnets.
   * @default VXLANCrossSubnet
   */
  readonly encapsulation?: Encapsulation;
}

export class CalicoChart extends Chart {
  constructor(scope: Construct, id: string, props: CalicoChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new Installation(this, "installation", {
      // The operator only reconciles an Installation named "default".
      metadata: { name: "default" },
      spec: {
        calicoNetwork: {
          // Never Calico's default 192.168.0.0/16: it overlaps the host-only node network.
          ipPools: [
            {
              name: "default-ipv4-ippool",
              cidr: props.podCidr,
              blockSize: 26,
              encapsulation: props.encapsulation ?? Encapsulation.VXLAN_CROSS_SUBNET,
              natOutgoing: NatOutgoing.ENABLED,
              nodeSelector: "all()",
            },
          ],
          // Every VM has the same NAT address on its first NIC; node addresses must come from the host-only one.
          nodeAddressAutodetectionV4: { interface: props.nodeInterface },
        },
      },
    });
  }
}
