/** What `terraform output` tells the user (and what deploy writes to state/local/outputs.json). */
import { Construct } from "constructs";
import type { LocalConfig } from "../../src/config/schema";
import { LOCAL_OUTPUTS, type LocalStackOutputs } from "../../src/contracts/stack-outputs";
import { TerraformOutput } from "../../src/lib/tf";
import { apiServerUrl } from "../../src/contracts/local-nodes";
import type { NodeVm } from "./node-vm";

export interface LocalOutputsProps {
  readonly config: LocalConfig;
  /** VMs by node name, for the addresses the guests really reported. */
  readonly vms: ReadonlyMap<string, NodeVm>;
}

export class LocalOutputs extends Construct {
  constructor(scope: Construct, id: string, props: LocalOutputsProps) {
    super(scope, id);
    const c = props.config;
    const out = (name: keyof LocalStackOutputs, value: unknown, description: string) => new TerraformOutput(scope, LOCAL_OUTPUTS[name], { value, description });
    // None of these is secret; the CA key, token and client key never leave state and state/local/.
    out("control_plane_ip", c.controlPlane.ip, "Host-only address of the control plane");
    out(
      "worker_ips",
      c.workers.map((w) => w.ip),
      "Host-only addresses of the workers, in config order",
    );
    out("nfs_ip", c.nfs.ip, "Host-only address of the NFS server");
    out("nfs_export", `${c.nfs.ip}:${c.nfs.exportPath}`, "NFS export for the cluster's shared volumes");
    out("node_ips", Object.fromEntries([c.controlPlane, ...c.workers, c.nfs].map((v) => [v.name, v.ip])), "Host-only address per node, from config");
    out(
      "reported_ips",
      Object.fromEntries([...props.vms].map(([name, vm]) => [name, vm.vm.networkAdapter.get(1).ipv4Address])),
      "Host-only address each guest reported through Guest Additions (should equal node_ips)",
    );
    out("api_endpoint", apiServerUrl(c), "Kubernetes API server");
    out("kubeconfig_path", c.kubeconfigPath, "Admin kubeconfig, relative to the project root");
  }
}
