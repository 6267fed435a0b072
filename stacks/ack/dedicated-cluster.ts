/**
 * ACK dedicated: we run the masters, one per distinct zone. Alibaba stopped creating these clusters
 * on 2024-08-21 and the provider deprecates `alicloud_cs_kubernetes` since 1.276.0; the environment
 * reproduces the documents' deployment and is kept for accounts Alibaba still allows.
 */
import { Construct } from "constructs";
import { CsKubernetes } from "../../.gen/providers/alicloud/cs-kubernetes";
import type { AckConfig } from "../../src/config/schema";
import { kubernetesRelease } from "../../src/config/versions";
import { TerraformLocal, type TerraformResourceLifecycle } from "../../src/lib/tf";
import { type AckCluster, apiServerEndpoint } from "./cluster";
import { clusterNetworkArgs } from "./cluster-network";
import { dedicatedDeployProblem } from "../../src/config/dedicated-opt-in";
import type { AckNetwork } from "./network";

/** Given once a user opts in to deploying it; without `allowDedicatedDeploy: true` deploy refuses with the same facts. */
export const DEDICATED_WARNING =
  "allowDedicatedDeploy is true, but Alibaba Cloud discontinued the creation of ACK dedicated clusters on 2024-08-21 and provider aliyun/alicloud deprecates alicloud_cs_kubernetes since 1.276.0; " +
  "deploying works only for an account Alibaba still allows. Use ack-managed for new clusters.";

export interface DedicatedClusterProps {
  /** The environment's name, for the opt-in message. */
  readonly environment: string;
  readonly config: AckConfig;
  readonly network: AckNetwork;
  /** Key pair for master login (the same as the nodes'). */
  readonly keyName: string;
  readonly warnings: string[];
}

export class DedicatedCluster extends Construct implements AckCluster {
  readonly cluster: CsKubernetes;
  private readonly environment: string;

  constructor(scope: Construct, id: string, props: DedicatedClusterProps) {
    super(scope, id);
    this.environment = props.environment;
    const { config, network } = props;
    if (config.allowDedicatedDeploy) props.warnings.push(DEDICATED_WARNING);
    const count = config.masters.count;
    // Validation guarantees at least `count` node vSwitches in distinct zones: one master per zone.
    const masterVswitches = network.nodeVswitches.slice(0, count);
    this.cluster = new CsKubernetes(this, "cluster", {
      name: config.cluster.name,
      version: kubernetesRelease(config.kubernetes.version).ack,
      masterVswitchIds: masterVswitches.map((v) => v.vswitch.id),
      masterInstanceTypes: masterVswitches.map(() => config.masters.instanceType),
      masterDiskSize: config.masters.diskSizeGiB,
      masterDiskCategory: config.masters.diskCategory,
      masterInstanceChargeType: "PostPaid",
      keyName: props.keyName,
      // The Go default runtime is docker 19.03.5, which current Kubernetes cannot run.
      runtime: { name: "containerd" },
      ...clusterNetworkArgs(config, network, props.warnings),
      tags: config.tags,
      // Without the opt-in, plan/apply refuse by any route (npm run deploy, cdktf CLI, plain
      // terraform): a precondition fails at plan time, before anything is created.
      ...this.optInLifecycle(config),
    });
  }

  /**
   * A failing precondition carrying the opt-in problem, or nothing once `allowDedicatedDeploy` is
   * true. Terraform rejects a constant condition, so it reads a local holding the opt-in.
   */
  private optInLifecycle(config: AckConfig): { lifecycle?: TerraformResourceLifecycle } {
    const problem = dedicatedDeployProblem(this.environment, config);
    if (problem === undefined) return {};
    const allowed = new TerraformLocal(this, "allow-dedicated-deploy", false);
    return { lifecycle: { precondition: [{ condition: allowed.asBoolean, errorMessage: problem }] } };
  }

  get id(): string {
    return this.cluster.id;
  }

  apiServer(publicEndpoint: boolean): string {
    return apiServerEndpoint(this.cluster.connections, publicEndpoint);
  }
}
