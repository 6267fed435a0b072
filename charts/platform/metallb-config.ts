/**
 * MetalLB configuration: one address pool from config and an L2 announcement limited to the
 * host-only NIC. MetalLB itself is an upstream install (`src/config/upstream.ts`) applied, and
 * waited for, before this file: its validating webhook rejects these objects until the controller
 * serves it. The `metallb-system` namespace (privileged, for the speaker) comes from upstream.
 */
import { Construct } from "constructs";
import { Chart } from "../../src/lib/k8s";
import { IpAddressPool, L2Advertisement } from "../imports/metallb.io";

const METALLB_NAMESPACE = "metallb-system";
const METALLB_POOL_NAME = "host-only";

export interface MetalLbConfigChartProps {
  /** First and last address of the pool (`metallb.addressStart`/`addressEnd`, validated inside the host network). */
  readonly addressStart: string;
  readonly addressEnd: string;
  /** The only NIC MetalLB answers ARP on (`network.guestInterface`, the host-only one). */
  readonly nodeInterface: string;
}

export class MetalLbConfigChart extends Chart {
  constructor(scope: Construct, id: string, props: MetalLbConfigChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new IpAddressPool(this, "pool", {
      metadata: { name: METALLB_POOL_NAME, namespace: METALLB_NAMESPACE },
      // Range validated in config rules: inside network.cidr, clear of node, NFS and host addresses.
      spec: { addresses: [`${props.addressStart}-${props.addressEnd}`], autoAssign: true },
    });
    new L2Advertisement(this, "l2", {
      metadata: { name: METALLB_POOL_NAME, namespace: METALLB_NAMESPACE },
      // Answer ARP only on the host-only NIC; the NAT NIC has the same address on every VM.
      spec: { ipAddressPools: [METALLB_POOL_NAME], interfaces: [props.nodeInterface] },
    });
  }
}
