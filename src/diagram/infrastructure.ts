/**
 * Machines and networks of an environment, straight from its configuration (the same model the
 * stacks synthesize from): VMs with their addresses, the host-only and NAT networks and the
 * MetalLB pool locally; VPC, zones with vSwitch CIDRs, NAT gateway, NAS and node pool on ACK.
 */
import type { AckConfig, Environment, LocalConfig } from "../config/schema";
import type { DiagramEdge, DiagramGroup, DiagramNode } from "./model";
import { API_SERVER_PORT } from "../contracts/ports";
import { ACK_OUTPUTS } from "../contracts/stack-outputs";

export interface Infrastructure {
  readonly nodes: DiagramNode[];
  readonly groups: DiagramGroup[];
  readonly edges: DiagramEdge[];
  /** Node that receives traffic from outside and hands it to LoadBalancer Services / Ingresses. */
  readonly entry: string;
  /** Node standing for the clients outside the cluster. */
  readonly clients: string;
}

const gib = (mib: number) => `${Math.round((mib / 1024) * 10) / 10} GiB`;

function local(config: LocalConfig): Infrastructure {
  const vm = (id: string, role: string, v: { name: string; ip: string; cpus: number; memoryMiB: number }, extra: string[] = []): DiagramNode => ({
    id,
    kind: "vm",
    lines: [v.name, v.ip, `${role} · ${v.cpus} vCPU · ${gib(v.memoryMiB)}`, ...extra],
  });
  const vms: DiagramNode[] = [
    vm("vm_cp", "control plane", config.controlPlane, [`API ${config.controlPlane.ip}:${API_SERVER_PORT}`]),
    ...config.workers.map((w, i) => vm(`vm_w${i}`, "worker", w)),
    vm("vm_nfs", "NFS server", config.nfs, [`export ${config.nfs.exportPath}`]),
  ];
  const host: DiagramNode = {
    id: "host",
    kind: "host",
    lines: ["this host", `${config.network.hostIp} (${config.network.hostInterface})`, "kubectl, browser"],
  };
  const pool: DiagramNode = { id: "metallb", kind: "pool", lines: ["MetalLB L2 pool", `${config.metallb.addressStart} – ${config.metallb.addressEnd}`] };
  const nat: DiagramNode = {
    id: "nat",
    kind: "gateway",
    lines: [
      "VirtualBox NAT (one per VM)",
      `${config.network.natCidr} · every VM is 10.0.2.15 on ${config.network.natInterface}`,
      "default route, outbound only",
    ],
  };
  const internet: DiagramNode = { id: "internet", kind: "external", lines: ["Internet", "images, packages"] };
  const network: DiagramGroup = {
    id: "hostonly",
    kind: "network",
    label: `host-only network ${config.network.cidr} (${config.network.hostInterface}; guests ${config.network.guestInterface}, no gateway)`,
    nodes: [host, ...vms, pool],
    groups: [],
  };
  const edges: DiagramEdge[] = [
    ...vms.map((v) => ({ from: v.id, to: "nat", kind: "link" as const })),
    { from: "nat", to: "internet", kind: "link" },
    ...vms.filter((v) => v.id !== "vm_nfs").map((v) => ({ from: v.id, to: "vm_nfs", kind: "link" as const, label: "NFS" })),
    { from: "host", to: "vm_cp", kind: "link", label: String(API_SERVER_PORT) },
  ];
  return { nodes: [nat, internet], groups: [network], edges, entry: "metallb", clients: "host" };
}

function ack(config: AckConfig, outputs: Readonly<Record<string, string>>): Infrastructure {
  const dedicated = config.cluster.type === "dedicated";
  const zones: DiagramGroup[] = config.network.vswitches.map((vs, i) => {
    const pods = config.network.podVswitches.find((p) => p.zone === vs.zone);
    return {
      id: `zone_${i}`,
      kind: "zone",
      label: vs.zone,
      groups: [],
      nodes: [
        {
          id: `vsw_${i}`,
          kind: "network",
          lines: [`node vSwitch ${vs.cidr}`, ...(pods && config.cluster.cni === "terway" ? [`pod vSwitch ${pods.cidr}`] : [])],
        },
      ],
    };
  });
  const pool = config.nodePool;
  const poolNode: DiagramNode = {
    id: "nodepool",
    kind: "vm",
    lines: [
      `node pool ${pool.name}`,
      `${pool.instanceTypes.join(" / ")}`,
      pool.autoscaling.enabled
        ? `${pool.desiredSize} nodes (autoscaling ${pool.autoscaling.minSize}–${pool.autoscaling.maxSize})`
        : `${pool.desiredSize} nodes`,
      `${pool.imageType} · ${pool.systemDisk.sizeGiB} GiB ${pool.systemDisk.category}`,
    ],
  };
  const control: DiagramNode = dedicated
    ? { id: "control", kind: "vm", lines: ["masters (ACK Dedicated)", `${config.masters.count} × ${config.masters.instanceType}`, "one per zone"] }
    : {
        id: "control",
        kind: "gateway",
        lines: [
          `managed control plane (${config.cluster.spec})`,
          `Kubernetes ${config.kubernetes.version}`,
          config.cluster.publicApiServer ? "public API endpoint (EIP)" : "private API endpoint",
        ],
      };
  const nas: DiagramNode = {
    id: "nas",
    kind: "storage",
    lines: [
      "NAS file system",
      `${config.nas.storageType} · NFSv3 ${config.nas.path}`,
      ...(outputs[ACK_OUTPUTS.nas_server] ? [outputs[ACK_OUTPUTS.nas_server]!] : []),
    ],
  };
  const natgw: DiagramNode = { id: "nat", kind: "gateway", lines: ["Enhanced NAT gateway + EIP", "SNAT for every node vSwitch"] };
  const alb: DiagramNode = { id: "alb", kind: "pool", lines: ["ALB (alb-ingress-controller)", ...(config.webApp.host ? [`host ${config.webApp.host}`] : [])] };
  const internet: DiagramNode = { id: "internet", kind: "external", lines: ["Internet", "users, images"] };
  const vpc: DiagramGroup = {
    id: "vpc",
    kind: "network",
    label: `VPC ${config.network.vpcCidr} · ${config.region} · services ${config.kubernetes.serviceCidr}${config.cluster.cni === "flannel" ? ` · pods ${config.kubernetes.podCidr}` : ""}`,
    nodes: [poolNode, control, nas, natgw, alb],
    groups: zones,
  };
  const edges: DiagramEdge[] = [
    ...zones.map((_z, i) => ({ from: "nodepool", to: `vsw_${i}`, kind: "link" as const })),
    ...zones.map((_z, i) => ({ from: `vsw_${i}`, to: "nat", kind: "link" as const })),
    { from: "nat", to: "internet", kind: "link" },
    { from: "internet", to: "alb", kind: "link", label: "HTTP(S)" },
    { from: "nodepool", to: "nas", kind: "link", label: "NFS" },
    { from: "nodepool", to: "control", kind: "link", label: "kubelet" },
  ];
  return { nodes: [internet], groups: [vpc], edges, entry: "alb", clients: "internet" };
}

export function infrastructure(env: Environment, outputs: Readonly<Record<string, string>> = {}): Infrastructure {
  return env.kind === "local" ? local(env.config) : ack(env.config, outputs);
}
