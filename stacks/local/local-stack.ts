/**
 * The `local` environment: VirtualBox VMs (control plane, workers, NFS server) that bootstrap
 * themselves into a kubeadm cluster from NoCloud seed ISOs, plus the user's admin kubeconfig.
 */
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import type { Construct } from "constructs";
import { VirtualboxProvider } from "../../.gen/providers/virtualbox/provider";
import type { LocalConfig } from "../../src/config/schema";
import { LocalBackend, TerraformOutput, TerraformStack } from "../../src/lib/tf";
import { LOCAL_OUTPUTS } from "../../src/contracts/stack-outputs";
import type { SynthContext } from "../../src/contracts/synth-context";
import { AdminKubeconfig } from "./admin-kubeconfig";
import { ClusterIdentity } from "./identity";
import { vboxMemory, vboxMemoryEffectiveMiB } from "./memory";
import { NodeVm } from "./node-vm";
import { apiServerUrl, type ClusterNode, clusterNodes } from "../../src/contracts/local-nodes";
import { LocalOutputs } from "./outputs";
import { LOCAL_STATE_FILE } from "./paths";
import { NodeSeed } from "./seed";

export interface LocalStackProps {
  readonly config: LocalConfig;
  readonly ctx: SynthContext;
}

/** VirtualBox VMs bootstrapped into a kubeadm cluster. */
export class LocalStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: LocalStackProps) {
    super(scope, id);
    const { config, ctx } = props;

    // Relative to Terraform's working directory (cdktf.out/stacks/local): <root>/state/local/.
    new LocalBackend(this, { path: LOCAL_STATE_FILE });
    new VirtualboxProvider(this, "virtualbox", { delay: config.provider.delaySeconds, mintimeout: config.provider.minTimeoutSeconds });
    new TlsProvider(this, "tls");
    new RandomProvider(this, "random");
    new LocalProvider(this, "local");
    new NullProvider(this, "null");

    const identity = new ClusterIdentity(this, "identity", { clusterName: config.kubernetes.clusterName });
    new AdminKubeconfig(this, "admin-kubeconfig", {
      identity,
      clusterName: config.kubernetes.clusterName,
      server: apiServerUrl(config),
      path: config.kubeconfigPath,
    });

    const vms = new Map<string, NodeVm>();
    for (const node of clusterNodes(config)) {
      warnIfMemoryRounds(ctx, nodeField(config, node), node.vm.memoryMiB);
      const seed = new NodeSeed(this, `seed-${node.vm.name}`, { config, node, secrets: identity.nodeSecrets, identityFingerprint: identity.fingerprint });
      vms.set(node.vm.name, new NodeVm(this, `node-${node.vm.name}`, { config, node, seed }));
    }
    new LocalOutputs(this, "outputs", { config, vms });
    // For the deploy step only, which re-creates the token Secret in the cluster so workers added or
    // replaced after its 24 h TTL can still join. Sensitive: never written to outputs.json.
    new TerraformOutput(this, LOCAL_OUTPUTS.bootstrap_token, {
      value: { id: identity.tokenId, secret: identity.tokenSecret },
      sensitive: true,
      description: "Bootstrap token (id and secret) for re-creating its Secret; read by npm run deploy",
    });
  }
}

/** The config field of a node: controlPlane, workers.<i> or nfs. */
function nodeField(config: LocalConfig, node: ClusterNode): string {
  if (node.role === "control-plane") return "controlPlane";
  if (node.role === "nfs") return "nfs";
  return `workers.${config.workers.indexOf(node.vm)}`;
}

/** The provider only keeps one decimal of GiB; say so when that changes the VM's memory. */
function warnIfMemoryRounds(ctx: SynthContext, field: string, mib: number): void {
  const effective = vboxMemoryEffectiveMiB(mib);
  if (effective !== mib) {
    ctx.warnings.push(`local: ${field}.memoryMiB ${mib} is written as "${vboxMemory(mib)}" (the provider's only stable form), so the VM gets ${effective} MiB`);
  }
}
