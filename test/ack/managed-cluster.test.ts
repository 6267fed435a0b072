import assert from "node:assert/strict";
import { describe, expect, it } from "@jest/globals";
import { CsManagedKubernetes } from "../../.gen/providers/alicloud/cs-managed-kubernetes";
import { AlicloudProvider } from "../../.gen/providers/alicloud/provider";
import { kubernetesRelease } from "../../src/config/versions";
import { FLANNEL_WARNING } from "../../stacks/ack/addons";
import { type Body, instances, only, ref, synthAck, target } from "./synth-ack";

function addons(cluster: Body): { name: string; config?: string; disabled?: boolean }[] {
  return cluster.addons as { name: string; config?: string; disabled?: boolean }[];
}

describe("ack-managed cluster", () => {
  const { config, json, text, warnings } = synthAck("ack-managed");
  const cluster = only(json, "alicloud_cs_managed_kubernetes");
  const nodeVswitchRefs = instances(json, "alicloud_vswitch")
    .filter(([name]) => name.includes("nodes"))
    .map(([name]) => ref("alicloud_vswitch", name));

  it("is an ACK Pro cluster at the ACK version of the configured minor, in region eu-central-1", () => {
    expect(text).toHaveResourceWithProperties(CsManagedKubernetes, {
      cluster_spec: "ack.pro.small",
      version: kubernetesRelease(config.kubernetes.version).ack,
    });
    assert.match(String(cluster.version), /^1\.\d+\.\d+-aliyun\.\d+$/);
    expect(text).toHaveProviderWithProperties(AlicloudProvider, { region: "eu-central-1" });
    assert.equal(json.terraform.required_providers.alicloud?.version, "1.289.0");
    assert.equal(json.terraform.required_providers.alicloud?.source, "aliyun/alicloud");
    for (const [name, p] of Object.entries(json.terraform.required_providers)) {
      assert.match(p.version, /^\d+\.\d+\.\d+$/, `${name} pinned to an exact version`);
    }
  });

  it("runs the control plane on the node vSwitches with the configured service range, domain and proxy mode", () => {
    assert.deepEqual(cluster.vswitch_ids, nodeVswitchRefs);
    assert.equal(cluster.service_cidr, config.kubernetes.serviceCidr);
    assert.equal(cluster.cluster_domain, config.kubernetes.clusterDomain);
    assert.equal(cluster.proxy_mode, config.cluster.proxyMode);
    assert.equal(cluster.deletion_protection, true);
    assert.equal(cluster.security_group_id, ref("alicloud_security_group", instances(json, "alicloud_security_group")[0]![0]));
  });

  it("waits for SNAT so nodes can join", () => {
    const snat = instances(json, "alicloud_snat_entry").map(([name]) => `alicloud_snat_entry.${name}`);
    assert.deepEqual([...(cluster.depends_on as string[])].sort(), snat.sort());
  });

  it("uses Terway with NetworkPolicy on its own pod vSwitches by default, no Flannel pod CIDR", () => {
    const podRefs = instances(json, "alicloud_vswitch")
      .filter(([name]) => name.includes("pods"))
      .map(([name]) => ref("alicloud_vswitch", name));
    assert.deepEqual(cluster.pod_vswitch_ids, podRefs);
    assert.equal(cluster.pod_cidr, undefined);
    const terway = addons(cluster).find((a) => a.name === "terway-eniip");
    assert.deepEqual(JSON.parse(terway?.config ?? "{}"), { NetworkPolicy: "true" });
    assert.ok(!addons(cluster).some((a) => a.name === "flannel"));
    assert.ok(!warnings.includes(`ack-managed: ${FLANNEL_WARNING}`));
  });

  it("installs the documents' add-ons, with ALB Ingress mapped onto one node vSwitch per zone", () => {
    assert.deepEqual(
      addons(cluster).map((a) => a.name),
      ["terway-eniip", "csi-plugin", "csi-provisioner", "alb-ingress-controller", "arms-prometheus", "logtail-ds"],
    );
    const alb = JSON.parse(addons(cluster).find((a) => a.name === "alb-ingress-controller")!.config!) as {
      albIngress: { AddressType: string; ZoneMappings: Record<string, string[]> };
    };
    assert.equal(alb.albIngress.AddressType, "Internet");
    const mappings = alb.albIngress.ZoneMappings;
    assert.deepEqual(
      Object.keys(mappings),
      config.network.vswitches.map((v) => v.zone),
    );
    for (const [zone, ids] of Object.entries(mappings)) {
      assert.equal(ids.length, 1);
      assert.equal(target(json, ids[0]).body.zone_id, zone);
    }
  });

  it("takes spec, add-ons (with given config) and deletion protection from config", () => {
    const { json: custom } = synthAck("ack-managed", {
      cluster: {
        spec: "ack.standard",
        deletionProtection: false,
        addons: [
          { name: "csi-plugin" },
          { name: "alb-ingress-controller", config: '{"albIngress":{"AddressType":"Intranet"}}' },
          { name: "logtail-ds", disabled: true },
        ],
      },
    });
    const c = only(custom, "alicloud_cs_managed_kubernetes");
    assert.equal(c.cluster_spec, "ack.standard");
    assert.equal(c.deletion_protection, false);
    assert.deepEqual(addons(c), [
      { name: "terway-eniip", config: '{"NetworkPolicy":"true"}' },
      { name: "csi-plugin" },
      { name: "alb-ingress-controller", config: '{"albIngress":{"AddressType":"Intranet"}}' },
      { name: "logtail-ds", disabled: true },
    ]);
  });

  it("switches to Flannel with the configured pod CIDR, no pod vSwitches, and warns that NetworkPolicy is not enforced", () => {
    const flannel = synthAck("ack-managed", { cluster: { cni: "flannel" }, kubernetes: { podCidr: "10.88.0.0/16" } });
    const c = only(flannel.json, "alicloud_cs_managed_kubernetes");
    assert.equal(c.pod_cidr, "10.88.0.0/16");
    assert.equal(c.pod_vswitch_ids, undefined);
    assert.equal(addons(c)[0]!.name, "flannel");
    assert.ok(!addons(c).some((a) => a.name.startsWith("terway")));
    assert.equal(instances(flannel.json, "alicloud_vswitch").filter(([n]) => n.includes("pods")).length, 0);
    assert.equal(flannel.warnings.filter((w) => w === `ack-managed: ${FLANNEL_WARNING}`).length, 1, "once, naming the environment");
    assert.match(FLANNEL_WARNING, /does not enforce NetworkPolicy/);
  });

  it("drops a configured add-on of the other CNI with a warning", () => {
    const r = synthAck("ack-managed", { cluster: { addons: [{ name: "flannel" }, { name: "csi-plugin" }] } });
    assert.deepEqual(
      addons(only(r.json, "alicloud_cs_managed_kubernetes")).map((a) => a.name),
      ["terway-eniip", "csi-plugin"],
    );
    assert.ok(r.warnings.some((w) => /flannel ignored because cluster\.cni is terway/.test(w)));
  });

  it("exposes the public API server endpoint, or the intranet one when the public one is off", () => {
    assert.match(String(json.output.api_server?.value), /connections\["api_server_internet"\]/);
    assert.equal(cluster.slb_internet_enabled, true);
    const priv = synthAck("ack-managed", { cluster: { publicApiServer: false } });
    assert.match(String(priv.json.output.api_server?.value), /connections\["api_server_intranet"\]/);
  });

  it("does not synthesize a dedicated cluster nor its warning", () => {
    assert.equal(instances(json, "alicloud_cs_kubernetes").length, 0);
    assert.ok(!warnings.some((w) => w.includes("dedicated")));
  });
});
