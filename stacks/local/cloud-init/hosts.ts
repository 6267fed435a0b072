/** /etc/hosts for every node: loopback plus each cluster machine on its host-only address. */
import type { ClusterNode } from "../../../src/contracts/local-nodes";

export function etcHosts(nodes: readonly ClusterNode[]): string {
  // No `127.0.1.1 <hostname>` line: the node's own name must resolve to its host-only address,
  // which is what kubelet and kubeadm then pick up.
  const lines = [
    "127.0.0.1 localhost",
    "::1 localhost ip6-localhost ip6-loopback",
    "ff02::1 ip6-allnodes",
    "ff02::2 ip6-allrouters",
    ...nodes.map((n) => `${n.vm.ip} ${n.vm.name}`),
  ];
  return `${lines.join("\n")}\n`;
}
