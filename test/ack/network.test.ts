import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { instances, only, ref, synthAck, target } from "./synth-ack";

describe("ACK network", () => {
  const { config, json } = synthAck("ack-managed");
  const vpcName = instances(json, "alicloud_vpc")[0]![0];
  const vswitches = instances(json, "alicloud_vswitch");
  const nodeVswitches = vswitches.filter(([name]) => name.includes("nodes"));
  const podVswitches = vswitches.filter(([name]) => name.includes("pods"));

  it("builds the VPC from config", () => {
    assert.equal(only(json, "alicloud_vpc").cidr_block, config.network.vpcCidr);
  });

  it("puts one node vSwitch in each of three distinct zones, CIDRs from config, all in the VPC", () => {
    const zones = nodeVswitches.map(([, v]) => v.zone_id);
    assert.equal(new Set(zones).size, 3);
    assert.deepEqual(
      nodeVswitches.map(([, v]) => ({ zone: v.zone_id, cidr: v.cidr_block })),
      config.network.vswitches.map((v) => ({ zone: v.zone, cidr: v.cidr })),
    );
    for (const [, v] of vswitches) assert.equal(v.vpc_id, ref("alicloud_vpc", vpcName));
  });

  it("adds Terway pod vSwitches in the same zones", () => {
    assert.deepEqual(
      podVswitches.map(([, v]) => ({ zone: v.zone_id, cidr: v.cidr_block })),
      config.network.podVswitches.map((v) => ({ zone: v.zone, cidr: v.cidr })),
    );
  });

  it("gives nodes egress: Enhanced pay-as-you-go NAT in a node vSwitch, its EIP, and SNAT for every node vSwitch", () => {
    const [natName, nat] = instances(json, "alicloud_nat_gateway")[0]!;
    assert.equal(nat.nat_type, "Enhanced");
    assert.equal(nat.payment_type, "PayAsYouGo");
    assert.ok(
      nodeVswitches.some(([name]) => nat.vswitch_id === ref("alicloud_vswitch", name)),
      "NAT gateway sits in a node vSwitch",
    );

    const [eipName] = instances(json, "alicloud_eip_address")[0]!;
    const association = only(json, "alicloud_eip_association");
    assert.equal(association.instance_type, "Nat");
    assert.equal(association.instance_id, ref("alicloud_nat_gateway", natName));
    assert.equal(association.allocation_id, ref("alicloud_eip_address", eipName));

    const snat = instances(json, "alicloud_snat_entry").map(([, s]) => s);
    assert.equal(snat.length, nodeVswitches.length);
    for (const [name] of nodeVswitches) {
      const entries = snat.filter((s) => s.source_vswitch_id === ref("alicloud_vswitch", name));
      assert.equal(entries.length, 1, `one SNAT entry for ${name}`);
      assert.equal(entries[0]!.snat_table_id, ref("alicloud_nat_gateway", natName, "snat_table_ids"));
      assert.equal(entries[0]!.snat_ip, ref("alicloud_eip_address", eipName, "ip_address"));
    }
  });

  it("opens the security group to the VPC only (and the pod range with Flannel)", () => {
    const rules = instances(json, "alicloud_security_group_rule").map(([, r]) => r);
    assert.deepEqual(
      rules.map((r) => [r.type, r.cidr_ip]),
      [["ingress", config.network.vpcCidr]],
    );
    const flannel = synthAck("ack-managed", { cluster: { cni: "flannel" } });
    const cidrs = instances(flannel.json, "alicloud_security_group_rule").map(([, r]) => String(r.cidr_ip));
    assert.deepEqual(cidrs.sort(), [flannel.config.network.vpcCidr, flannel.config.kubernetes.podCidr].sort());
  });

  it("uses only the configured zones and ranges (a different VPC flows everywhere)", () => {
    const zones = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];
    const { json: other } = synthAck("ack-managed", {
      network: {
        vpcCidr: "10.10.0.0/16",
        vswitches: zones.map((zone, i) => ({ zone, cidr: `10.10.${i}.0/24` })),
        podVswitches: zones.map((zone, i) => ({ zone, cidr: `10.10.${100 + i}.0/24` })),
      },
    });
    assert.equal(only(other, "alicloud_vpc").cidr_block, "10.10.0.0/16");
    assert.deepEqual(
      instances(other, "alicloud_vswitch").map(([, v]) => v.cidr_block),
      ["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24", "10.10.100.0/24", "10.10.101.0/24", "10.10.102.0/24"],
    );
    assert.equal(only(other, "alicloud_nas_access_rule").source_cidr_ip, "10.10.0.0/16");
    const mountTarget = only(other, "alicloud_nas_mount_target");
    assert.equal(target(other, mountTarget.vswitch_id).body.cidr_block, "10.10.0.0/24");
  });
});
