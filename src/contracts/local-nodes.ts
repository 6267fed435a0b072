/** The machines of the local environment, in creation order, with the role each one plays. */
import type { LocalConfig, VmConfig } from "../config/schema";
import { API_SERVER_PORT } from "./ports";

export type NodeRole = "control-plane" | "worker" | "nfs";

export interface ClusterNode {
  readonly role: NodeRole;
  /** Name, host-only IP, CPUs and memory, straight from config. */
  readonly vm: VmConfig;
}

export function clusterNodes(config: LocalConfig): ClusterNode[] {
  return [
    { role: "control-plane", vm: config.controlPlane },
    ...config.workers.map((vm): ClusterNode => ({ role: "worker", vm })),
    { role: "nfs", vm: config.nfs },
  ];
}

/** `https://<control-plane IP>:6443`, the API endpoint workers, kubeconfigs and outputs use. */
export function apiServerUrl(config: LocalConfig): string {
  return `https://${config.controlPlane.ip}:${API_SERVER_PORT}`;
}
