/**
 * One ACK environment: network with NAT egress, the cluster (managed, or the discontinued
 * dedicated type), a node pool, NAS storage, the container registry for the built images and the
 * kubeconfig, with state local or on OSS.
 */
import type { Construct } from "constructs";
import type { AckConfig } from "../../src/config/schema";
import { TerraformOutput, TerraformStack } from "../../src/lib/tf";
import { ACK_OUTPUTS } from "../../src/contracts/stack-outputs";
import type { SynthContext } from "../../src/contracts/synth-context";
import { addBackend } from "./backend";
import { AckContainerRegistry, acrRepositories } from "./container-registry";
import { acrPushEndpoint, acrVpcEndpoint } from "../../src/contracts/registry";
import { DedicatedCluster } from "./dedicated-cluster";
import { NodeKeyPair } from "./key-pair";
import { KubeconfigFile } from "./kubeconfig";
import { ManagedCluster } from "./managed-cluster";
import { AckNas } from "./nas";
import { AckNetwork } from "./network";
import { AckNodePool } from "./node-pool";
import { AckSandboxedNodePool } from "./sandboxed-node-pool";
import { addAckProviders } from "./provider";

export interface AckStackProps {
  /** The environment's name (messages, the node key pair). */
  readonly environment: string;
  readonly config: AckConfig;
  readonly ctx: SynthContext;
}

/** Alibaba Cloud ACK cluster. */
export class AckStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AckStackProps) {
    super(scope, id);
    const { config, environment, ctx } = props;
    const tags = config.tags;
    addAckProviders(this, config.region);
    addBackend(this, config.backend);

    const network = new AckNetwork(this, "network", {
      name: config.cluster.name,
      network: config.network,
      cni: config.cluster.cni,
      podCidr: config.kubernetes.podCidr,
      tags,
    });
    const login = new NodeKeyPair(this, "node-login", { environment, keyPair: config.nodePool.keyPair, tags });

    // The parts name the field; the environment is added here, so every warning says where it applies.
    const warnings: string[] = [];
    const cluster =
      config.cluster.type === "dedicated"
        ? new DedicatedCluster(this, "dedicated", { environment, config, network, keyName: login.keyPair.keyPairName, warnings })
        : new ManagedCluster(this, "managed", { config, network, warnings });
    ctx.warnings.push(...warnings.map((w) => `${environment}: ${w}`));

    new AckNodePool(this, "node-pool", {
      clusterId: cluster.id,
      pool: config.nodePool,
      vswitchIds: network.nodeVswitches.map((v) => v.vswitch.id),
      securityGroupId: network.securityGroup.id,
      keyName: login.keyPair.keyPairName,
      tags,
    });
    if (config.sandboxedNodePool.enabled) {
      new AckSandboxedNodePool(this, "sandboxed-node-pool", {
        clusterId: cluster.id,
        pool: config.sandboxedNodePool,
        vswitchIds: network.nodeVswitches.map((v) => v.vswitch.id),
        securityGroupId: network.securityGroup.id,
        keyName: login.keyPair.keyPairName,
        tags,
      });
    }
    const nas = new AckNas(this, "nas", { name: config.cluster.name, nas: config.nas, vpcCidr: config.network.vpcCidr, network, tags });
    new KubeconfigFile(this, "kubeconfig", { clusterId: cluster.id, path: config.kubeconfigPath });
    const repositories = acrRepositories(config);
    if (repositories.length) new AckContainerRegistry(this, "container-registry", { registry: config.containerRegistry, repositories });

    // Names are a contract (src/contracts/stack-outputs.ts): deploy saves them for the manifests.
    new TerraformOutput(this, ACK_OUTPUTS.cluster_id, { value: cluster.id });
    new TerraformOutput(this, ACK_OUTPUTS.api_server, { value: cluster.apiServer(config.cluster.publicApiServer) });
    new TerraformOutput(this, ACK_OUTPUTS.kubeconfig_path, { value: config.kubeconfigPath });
    new TerraformOutput(this, ACK_OUTPUTS.vpc_id, { value: network.vpc.id });
    new TerraformOutput(this, ACK_OUTPUTS.nas_server, { value: nas.mountTarget.mountTargetDomain });
    new TerraformOutput(this, ACK_OUTPUTS.nas_path, { value: config.nas.path });
    // Where deploy pushes the built images (outside the VPC) and where nodes pull them (inside).
    new TerraformOutput(this, ACK_OUTPUTS.registry_push_endpoint, { value: `${acrPushEndpoint(config.region)}/${config.containerRegistry.namespace}` });
    new TerraformOutput(this, ACK_OUTPUTS.registry_pull_endpoint, { value: `${acrVpcEndpoint(config.region)}/${config.containerRegistry.namespace}` });
  }
}
