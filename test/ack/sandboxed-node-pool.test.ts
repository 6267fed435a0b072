/**
 * ACK's sandboxed node pool: absent by default; when enabled, a second node pool with ACK's
 * sandboxed-container runtime on bare metal that the pinned provider schema accepts. Validation
 * refuses enabling it on the minors this project creates (test/runtimes), so the stack is built
 * here from a config with the pool switched on after validation.
 */
import { describe, expect, it } from "@jest/globals";
import { POD_PIDS_LIMIT } from "../../service/contract/executor";
import { validateConfigs } from "../../src/config/load";
import { Testing } from "../../src/lib/tf";
import { newContext } from "../../src/contracts/synth-context";
import { AckStack } from "../../stacks/ack/ack-stack";
import { PROJECT_ROOT } from "../support/cli";
import { checkAgainstProviderSchema } from "../support/provider-schema";
import { alicloudProviderSchema, instances, synthAck, type TfJson } from "./synth-ack";

describe("ACK sandboxed node pool", () => {
  it("is off by default: one node pool, containerd", () => {
    const pools = instances(synthAck("ack-managed").json, "alicloud_cs_kubernetes_node_pool");
    expect(pools.map(([, p]) => p.runtime_name)).toEqual(["containerd"]);
  });

  it("when on: a bare-metal pool with Sandboxed-Container.runv on Alibaba Cloud Linux 3, valid against the pinned provider schema", () => {
    const config = validateConfigs({}).configs!["ack-managed"];
    const withPool = { ...config, sandboxedNodePool: { ...config.sandboxedNodePool, enabled: true, runtimeVersion: "2.4.3" } };
    const stack = new AckStack(Testing.app(), "ack-managed", { environment: "ack-managed", config: withPool, ctx: newContext(PROJECT_ROOT) });
    const json = JSON.parse(Testing.synth(stack)) as TfJson;
    const pools = Object.fromEntries(instances(json, "alicloud_cs_kubernetes_node_pool").map(([, p]) => [p.node_pool_name, p]));
    const sandboxed = pools["sandboxed-pool"]!;
    expect(sandboxed).toMatchObject({
      runtime_name: "Sandboxed-Container.runv",
      runtime_version: "2.4.3",
      image_type: "AliyunLinux3",
      instance_types: ["ecs.ebmg7.32xlarge"],
      desired_size: "1",
      labels: [{ key: "clusterkit.io/sandboxed", value: "runv" }],
      // Kata executors run here: the contract's per-Pod pids bound holds on this pool too.
      kubelet_configuration: { pod_pids_limit: String(POD_PIDS_LIMIT) },
    });
    expect(sandboxed.scaling_config).toBeUndefined();
    expect(sandboxed.cluster_id).toBe(pools["k8s-nodepool"]!.cluster_id);
    expect(checkAgainstProviderSchema(json, alicloudProviderSchema())).toEqual([]);
  });
});
