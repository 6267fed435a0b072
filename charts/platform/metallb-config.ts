/**
 * MetalLB configuration: one address pool from config and an L2 announcement limited to the
 * host-only NIC. MetalLB itself is an upstream install (`src/config/upstream.ts`) applied, and
 * waited for, before this file: its validating webhook rejects these objects until the controller
 * serves it. The `metallb-system` namespace (privileged, for the speaker) comes from upstream.
 */
import { Construct } from "constructs";
import type { LocalConfig } from "../../src/config/schema";
import { Chart } from "../../src/lib/k8s";
import { IpAddressPool, L2Advertisement } from "../imports/metallb.io";

export const METALLB_NAMESPACE = "metallb-system";
export const METALLB_POOL_NAME = "host-only";

export interface MetalLbConfigChartProps {
  readonly config: LocalConfig;
}

export class MetalLbConfigChart extends Chart {
  constructor(scope: Construct, id: string, props: MetalLbConfigChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { config } = props;
    new IpAddressPool(this, "pool", {
      metadata: { name: METALLB_POOL_NAME, namespace: METALLB_NAMESPACE },
      // Range validated in config rules: inside network.cidr, clear of node, NFS and host addresses.
      spec: { addresses: [`${config.metallb.addressStart}-${config.metallb.addressEnd}`], autoAssign: true },
    });
    new L2Advertisement(this, "l2", {
      metadata: { name: METALLB_POOL_NAME, namespace: METALLB_NAMESPACE },
      // Answer ARP only on the host-only NIC; the NAT NIC has the same address on every VM.
      spec: { ipAddressPools: [METALLB_POOL_NAME], interfaces: [config.network.guestInterface] },
    });
  }
}
