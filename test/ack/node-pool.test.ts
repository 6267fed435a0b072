import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { instances, only, ref, synthAck, target } from "./synth-ack";

describe("ACK node pool", () => {
  const { config, json } = synthAck("ack-managed");
  const pool = only(json, "alicloud_cs_kubernetes_node_pool");

  it("is the documents' pool: k8s-nodepool, 2 x ecs.g5.xlarge autoscaling 2..5, ESSD 50 GiB, Alibaba Cloud Linux 3, containerd", () => {
    assert.equal(pool.node_pool_name, "k8s-nodepool");
    assert.deepEqual(pool.instance_types, ["ecs.g5.xlarge"]);
    assert.equal(pool.desired_size, "2");
    assert.equal(typeof pool.desired_size, "string");
    assert.deepEqual(pool.scaling_config, { enable: true, min_size: 2, max_size: 5, type: "cpu" });
    assert.equal(pool.system_disk_category, "cloud_essd");
    assert.equal(pool.system_disk_size, 50);
    assert.equal(pool.image_type, "AliyunLinux3");
    assert.equal(pool.runtime_name, "containerd");
    assert.equal(pool.instance_charge_type, "PostPaid");
  });

  it("belongs to the cluster and spans every node vSwitch", () => {
    const [clusterName] = instances(json, "alicloud_cs_managed_kubernetes")[0]!;
    assert.equal(pool.cluster_id, ref("alicloud_cs_managed_kubernetes", clusterName));
    const zones = (pool.vswitch_ids as string[]).map((id) => target(json, id).body.zone_id);
    assert.deepEqual(
      zones,
      config.network.vswitches.map((v) => v.zone),
    );
  });

  it("takes size, bounds, types, labels and taints from config", () => {
    const { json: custom } = synthAck("ack-managed", {
      nodePool: {
        name: "workers",
        instanceTypes: ["ecs.g7.xlarge", "ecs.g6.xlarge"],
        desiredSize: 3,
        autoscaling: { enabled: true, minSize: 1, maxSize: 7 },
        labels: { tier: "app" },
        taints: [{ key: "dedicated", value: "app", effect: "NoSchedule" }],
      },
    });
    const p = only(custom, "alicloud_cs_kubernetes_node_pool");
    assert.equal(p.node_pool_name, "workers");
    assert.deepEqual(p.instance_types, ["ecs.g7.xlarge", "ecs.g6.xlarge"]);
    assert.equal(p.desired_size, "3");
    assert.deepEqual(p.scaling_config, { enable: true, min_size: 1, max_size: 7, type: "cpu" });
    assert.deepEqual(p.labels, [{ key: "tier", value: "app" }]);
    assert.deepEqual(p.taints, [{ key: "dedicated", value: "app", effect: "NoSchedule" }]);
  });

  it("leaves scaling_config out when autoscaling is off (a zero-valued block would re-enable it)", () => {
    const { json: fixed } = synthAck("ack-managed", { nodePool: { autoscaling: { enabled: false, minSize: 0, maxSize: 1 }, desiredSize: 4 } });
    const p = only(fixed, "alicloud_cs_kubernetes_node_pool");
    assert.equal(p.scaling_config, undefined);
    assert.equal(p.desired_size, "4");
  });

  it("logs in with a generated RSA 4096 key (ECS imports no ED25519) whose private half goes to state/<env>/ when no public key is given", () => {
    const key = only(json, "tls_private_key");
    assert.equal(key.algorithm, "RSA");
    assert.equal(key.rsa_bits, 4096);
    const [keyName] = instances(json, "tls_private_key")[0]!;
    const [pairName, pair] = instances(json, "alicloud_ecs_key_pair")[0]!;
    assert.equal(pair.key_pair_name, config.nodePool.keyPair.name);
    assert.equal(pair.public_key, ref("tls_private_key", keyName, "public_key_openssh"));
    assert.equal(pool.key_name, ref("alicloud_ecs_key_pair", pairName, "key_pair_name"));
    assert.equal(pool.password, undefined);
    const files = instances(json, "local_sensitive_file").map(([, f]) => f);
    const keyFile = files.find((f) => f.content === ref("tls_private_key", keyName, "private_key_openssh"));
    assert.ok(keyFile, "private key written to a sensitive file");
    assert.equal(keyFile.filename, `\${path.module}/../../../state/ack-managed/${config.nodePool.keyPair.name}.pem`);
    assert.equal(keyFile.file_permission, "0600");
  });

  it("imports the configured public key instead, generating nothing", () => {
    const publicKey =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCToy0myQiBo0+C0lqkUERNR8nCmpZT5+HZvo4QwKSNRhtPUuyYvul34Mx8pBM7SZKc8PsIF5SuXykSic2GJVBkMTD0UoaJdQKX5lov6u8e9cBVBPHT1d25hnss9SRexDByoRP7YK5gg0YT3hTh0C/qPIPCJ5mw2fHsNUKKzNyaGT9QOQeXA9UA0DES4HzZFsI4CzUMCfp49M2MJHjQUxQhMIGeKlWePh2pWEoig/UR9D1dOU5DpW1j9sEl4b5FrRkSVRjqmFi4OS7mDt0r+JnELnAZ5Cq4kDPbz2iQZh8i+TsRNUwNn8Om1M81tEUfSdO12SouWqXdk4VYDGcwkiRJ ops@example";
    const { json: imported } = synthAck("ack-managed", { nodePool: { keyPair: { name: "ops", publicKey } } });
    assert.equal(instances(imported, "tls_private_key").length, 0);
    assert.equal(only(imported, "alicloud_ecs_key_pair").public_key, publicKey);
    assert.equal(only(imported, "alicloud_ecs_key_pair").key_pair_name, "ops");
  });
});
