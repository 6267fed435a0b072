import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf, missingTools } from "../support/requires";
import { validateConfigs } from "../../src/config/load";
import { DEDICATED_WARNING } from "../../stacks/ack/dedicated-cluster";
import { dedicatedDeployProblem } from "../../src/config/dedicated-opt-in";
import { scratchDir } from "../support/cli";
import { instances, only, ref, synthAck, target } from "./synth-ack";

const FIVE_ZONES = ["eu-central-1a", "eu-central-1b", "eu-central-1c", "eu-central-1d", "eu-central-1e"];

describe("ack-dedicated cluster", () => {
  const { config, json, warnings } = synthAck("ack-dedicated");
  const cluster = only(json, "alicloud_cs_kubernetes");

  it("reproduces the documents' deployment: cluster-tfg, 3 x ecs.g7a.large masters with 50 GiB disks", () => {
    assert.equal(cluster.name, "cluster-tfg");
    assert.equal(cluster.cluster_domain, "k8s-majasi.cluster");
    assert.deepEqual(cluster.master_instance_types, ["ecs.g7a.large", "ecs.g7a.large", "ecs.g7a.large"]);
    assert.equal(cluster.master_disk_size, 50);
    assert.equal(cluster.master_disk_category, config.masters.diskCategory);
    assert.equal(instances(json, "alicloud_cs_managed_kubernetes").length, 0);
  });

  it("places the 3 masters in 3 distinct zones, on node vSwitches", () => {
    const vswitches = (cluster.master_vswitch_ids as string[]).map((id) => target(json, id));
    assert.equal(vswitches.length, 3);
    assert.equal(new Set(vswitches.map((v) => v.body.zone_id)).size, 3);
    for (const v of vswitches) assert.match(v.name, /nodes/);
  });

  it("runs containerd, logs masters in with the node key pair, and carries the same node pool", () => {
    assert.deepEqual(cluster.runtime, { name: "containerd" });
    const [pairName] = instances(json, "alicloud_ecs_key_pair")[0]!;
    assert.equal(cluster.key_name, ref("alicloud_ecs_key_pair", pairName, "key_pair_name"));
    const pool = only(json, "alicloud_cs_kubernetes_node_pool");
    assert.equal(pool.cluster_id, ref("alicloud_cs_kubernetes", instances(json, "alicloud_cs_kubernetes")[0]![0]));
    assert.equal(pool.node_pool_name, "k8s-nodepool");
  });

  it("runs 5 masters in 5 distinct zones when config gives 5 zones", () => {
    const { json: five } = synthAck("ack-dedicated", {
      masters: { count: 5 },
      network: {
        vswitches: FIVE_ZONES.map((zone, i) => ({ zone, cidr: `172.16.${i * 16}.0/20` })),
        podVswitches: FIVE_ZONES.map((zone, i) => ({ zone, cidr: `172.16.${128 + i * 16}.0/20` })),
      },
    });
    const c = only(five, "alicloud_cs_kubernetes");
    const zones = (c.master_vswitch_ids as string[]).map((id) => target(five, id).body.zone_id);
    assert.deepEqual(zones, FIVE_ZONES);
    assert.equal((c.master_instance_types as string[]).length, 5);
  });

  it("warns once, with the environment, only when opted in: discontinued, deprecated, use ack-managed", () => {
    assert.deepEqual(
      warnings.filter((w) => w.includes("discontinued")),
      [],
      "no warning without the opt-in: deploy refuses it anyway, with the same facts",
    );
    const optedIn = synthAck("ack-dedicated", { allowDedicatedDeploy: true }).warnings.filter((w) => w.includes("discontinued"));
    assert.deepEqual(optedIn, [`ack-dedicated: ${DEDICATED_WARNING}`]);
    assert.match(DEDICATED_WARNING, /2024-08-21/);
    assert.match(DEDICATED_WARNING, /1\.276\.0/);
    assert.match(DEDICATED_WARNING, /^allowDedicatedDeploy is true/);
    assert.match(DEDICATED_WARNING, /ack-managed/);
  });
});

describe("dedicated deploy opt-in", () => {
  it("blocks ack-dedicated without allowDedicatedDeploy, naming the field", () => {
    const problem = dedicatedDeployProblem("ack-dedicated", { cluster: { type: "dedicated" }, allowDedicatedDeploy: false });
    assert.match(problem ?? "", /^ack-dedicated\.allowDedicatedDeploy: must be true/);
    assert.match(problem ?? "", /ack-managed/);
  });

  it("lets a dedicated cluster through with the opt-in, and never blocks a managed one (the type decides, not the name)", () => {
    assert.equal(dedicatedDeployProblem("ack-dedicated", { cluster: { type: "dedicated" }, allowDedicatedDeploy: true }), undefined);
    assert.equal(dedicatedDeployProblem("ack-managed", { cluster: { type: "managed" }, allowDedicatedDeploy: false }), undefined);
    assert.equal(dedicatedDeployProblem("ack-dedicated", { cluster: { type: "managed" }, allowDedicatedDeploy: false }), undefined);
    assert.match(
      dedicatedDeployProblem("ack-tokyo", { cluster: { type: "dedicated" }, allowDedicatedDeploy: false }) ?? "",
      /^ack-tokyo\.allowDedicatedDeploy: must be true/,
    );
  });

  it("without the opt-in, the synthesized cluster carries a failing precondition with the same message, so any terraform plan refuses", () => {
    const { json: blocked } = synthAck("ack-dedicated");
    const cluster = only(blocked, "alicloud_cs_kubernetes");
    const [local, value] = Object.entries(blocked.locals ?? {}).find(([name]) => name.includes("allow-dedicated-deploy")) ?? [];
    assert.equal(value, false);
    assert.deepEqual(cluster.lifecycle, {
      precondition: [
        {
          condition: `\${local.${local}}`,
          error_message: dedicatedDeployProblem("ack-dedicated", { cluster: { type: "dedicated" }, allowDedicatedDeploy: false }),
        },
      ],
    });
  });

  itIf(missingTools(["terraform"]), "that precondition makes a real terraform plan fail with the opt-in message (built-in terraform_data copy)", () => {
    const { json: blocked } = synthAck("ack-dedicated");
    const dir = scratchDir();
    // Same lifecycle and locals on a resource of the built-in provider: no download, no cloud.
    const copy = {
      locals: blocked.locals,
      resource: { terraform_data: { cluster: { input: "x", lifecycle: only(blocked, "alicloud_cs_kubernetes").lifecycle } } },
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(copy));
    const tf = (args: string[]) =>
      spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" }, timeout: 60_000 });
    assert.equal(tf(["init", "-input=false", "-no-color"]).status, 0);
    const plan = tf(["plan", "-input=false", "-no-color"]);
    assert.notEqual(plan.status, 0);
    assert.match(plan.stderr.replace(/\s+/g, " "), /Resource precondition failed.*allowDedicatedDeploy: must be true to deploy/);
  });

  it("with the opt-in, the cluster has no precondition", () => {
    const cluster = only(synthAck("ack-dedicated", { allowDedicatedDeploy: true }).json, "alicloud_cs_kubernetes");
    assert.equal(cluster.lifecycle, undefined);
  });

  it("defaults to blocked: the default ack-dedicated config has no opt-in", () => {
    const { configs } = validateConfigs({});
    assert.notEqual(dedicatedDeployProblem("ack-dedicated", configs!["ack-dedicated"]), undefined);
  });
});

describe("ACK config rules used by the stacks", () => {
  const problems = (o: Record<string, unknown>) => validateConfigs(o).problems.map((p) => `${p.path}: ${p.message}`);

  it("rejects 5 masters over 3 zones and 4 masters", () => {
    assert.ok(problems({ "ack-dedicated": { masters: { count: 5 } } }).some((p) => /^ack-dedicated\.masters\.count: 5 masters need 5 distinct zones/.test(p)));
    assert.ok(problems({ "ack-dedicated": { masters: { count: 4 } } }).some((p) => /^ack-dedicated\.masters\.count: 4 is not allowed/.test(p)));
  });

  it("rejects serviceRoles: create, since the stack never creates account-wide roles", () => {
    assert.ok(problems({ "ack-managed": { serviceRoles: "create" } }).some((p) => /^ack-managed\.serviceRoles: must be existing/.test(p)));
  });
});
