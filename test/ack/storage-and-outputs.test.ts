import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { KUBECONFIG_VALIDITY_MINUTES } from "../../stacks/ack/kubeconfig";
import { instances, only, ref, synthAck, target } from "./synth-ack";

describe("ACK NAS, kubeconfig and outputs", () => {
  const { config, json } = synthAck("ack-managed");
  const [vpcName] = instances(json, "alicloud_vpc")[0]!;
  const [fsName, fs] = instances(json, "alicloud_nas_file_system")[0]!;
  const [mountName, mount] = instances(json, "alicloud_nas_mount_target")[0]!;

  it("creates an NFS file system of the configured storage type", () => {
    assert.equal(fs.protocol_type, "NFS");
    assert.equal(fs.storage_type, config.nas.storageType);
    const { json: perf } = synthAck("ack-managed", { nas: { storageType: "Performance" } });
    assert.equal(only(perf, "alicloud_nas_file_system").storage_type, "Performance");
  });

  it("mounts it in a node vSwitch of the cluster VPC, open to the VPC range only", () => {
    assert.equal(mount.file_system_id, ref("alicloud_nas_file_system", fsName));
    assert.equal(mount.vpc_id, ref("alicloud_vpc", vpcName));
    const vswitch = target(json, mount.vswitch_id);
    assert.equal(vswitch.type, "alicloud_vswitch");
    assert.match(vswitch.name, /nodes/);
    assert.equal(vswitch.body.vpc_id, ref("alicloud_vpc", vpcName));
    assert.equal(fs.zone_id, vswitch.body.zone_id);

    const group = only(json, "alicloud_nas_access_group");
    assert.equal(group.access_group_type, "Vpc");
    const rule = only(json, "alicloud_nas_access_rule");
    assert.equal(rule.source_cidr_ip, config.network.vpcCidr);
    assert.match(String(rule.access_group_name), /alicloud_nas_access_group\..+\.access_group_name/);
    assert.equal(mount.access_group_name, rule.access_group_name);
  });

  it("outputs nas_server (mount target domain) and nas_path for the manifests", () => {
    assert.equal(json.output.nas_server?.value, ref("alicloud_nas_mount_target", mountName, "mount_target_domain"));
    assert.equal(json.output.nas_path?.value, config.nas.path);
    const { json: sub } = synthAck("ack-managed", { nas: { path: "/share" } });
    assert.equal(sub.output.nas_path?.value, "/share");
  });

  it("writes a short-lived admin kubeconfig from the credential data source to kubeconfigPath, outside cdktf.out", () => {
    const [credName, cred] = Object.entries(json.data?.alicloud_cs_cluster_credential ?? {})[0]!;
    const [clusterName] = instances(json, "alicloud_cs_managed_kubernetes")[0]!;
    assert.equal(cred.cluster_id, ref("alicloud_cs_managed_kubernetes", clusterName));
    assert.equal(cred.temporary_duration_minutes, KUBECONFIG_VALIDITY_MINUTES);
    assert.ok(KUBECONFIG_VALIDITY_MINUTES >= 15 && KUBECONFIG_VALIDITY_MINUTES <= 4320);
    const file = instances(json, "local_sensitive_file")
      .map(([, f]) => f)
      .find((f) => f.content === `\${data.alicloud_cs_cluster_credential.${credName}.kube_config}`);
    assert.ok(file, "kubeconfig file");
    assert.equal(file.filename, `\${path.module}/../../../${config.kubeconfigPath}`);
    assert.equal(file.file_permission, "0600");
    assert.equal(json.output.kubeconfig_path?.value, config.kubeconfigPath);
  });

  it("outputs cluster_id, api_server and vpc_id", () => {
    const [clusterName] = instances(json, "alicloud_cs_managed_kubernetes")[0]!;
    assert.equal(json.output.cluster_id?.value, ref("alicloud_cs_managed_kubernetes", clusterName));
    assert.equal(json.output.vpc_id?.value, ref("alicloud_vpc", vpcName));
    assert.match(String(json.output.api_server?.value), new RegExp(`alicloud_cs_managed_kubernetes\\.${clusterName}\\.connections`));
  });
});

describe("ACK state backend", () => {
  it("defaults to a local state file at the configured project-relative path", () => {
    const { config, json } = synthAck("ack-managed");
    assert.equal(config.backend.type, "local");
    assert.deepEqual(json.terraform.backend, { local: { path: "../../../state/ack-managed/terraform.tfstate" } });
  });

  it("uses OSS with TableStore locking and encryption when configured", () => {
    const oss = {
      type: "oss",
      bucket: "clusterkit-state",
      prefix: "envs",
      key: "ack-managed.tfstate",
      region: "eu-central-1",
      endpoint: "oss-eu-central-1.aliyuncs.com",
      tablestoreEndpoint: "https://clusterkit.eu-central-1.ots.aliyuncs.com",
      tablestoreTable: "terraform_lock",
    };
    const { json } = synthAck("ack-managed", { backend: oss });
    assert.deepEqual(json.terraform.backend, {
      oss: {
        bucket: "clusterkit-state",
        prefix: "envs",
        key: "ack-managed.tfstate",
        region: "eu-central-1",
        endpoint: "oss-eu-central-1.aliyuncs.com",
        tablestore_endpoint: "https://clusterkit.eu-central-1.ots.aliyuncs.com",
        tablestore_table: "terraform_lock",
        encrypt: true,
      },
    });
  });
});
