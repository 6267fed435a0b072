import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { FLANNEL_NAMESPACE } from "../../src/contracts/platform";
import { IMAGES } from "../../src/config/images";
import { cidrsOverlap, parseCidr } from "../../src/config/ipv4";
import { allContainers, field, ofKind, one, synthPlatform } from "./helpers";

describe("pod network (local)", () => {
  it("Calico is the default: one Installation whose pool is the configured pod CIDR, clear of the node network", () => {
    const { charts, all } = synthPlatform("local");
    const cni = charts.get("10-cni")!;
    assert.deepEqual(
      cni.map((o) => o.kind),
      ["Installation"],
    );
    const inst = one(cni, "Installation");
    assert.equal(inst.apiVersion, "operator.tigera.io/v1");
    assert.equal(inst.metadata?.name, "default", "the operator only reconciles an Installation named default");
    const pools = field<{ cidr: string; natOutgoing: string; encapsulation: string }[]>(inst, "spec.calicoNetwork.ipPools");
    assert.equal(pools.length, 1);
    assert.equal(pools[0]!.cidr, "10.244.0.0/16");
    assert.equal(pools[0]!.natOutgoing, "Enabled");
    assert.ok(["VXLANCrossSubnet", "VXLAN", "IPIP", "IPIPCrossSubnet"].includes(pools[0]!.encapsulation));
    assert.ok(!cidrsOverlap(parseCidr(pools[0]!.cidr)!, parseCidr("192.168.60.0/24")!), "pool must not overlap the host-only network");
    assert.deepEqual(field(inst, "spec.calicoNetwork.nodeAddressAutodetectionV4"), { interface: "enp0s8" });
    assert.equal(ofKind(all, "DaemonSet").length, 0, "no Flannel DaemonSet with Calico");
    assert.ok(!all.some((o) => o.kind === "Namespace" && o.metadata?.name === FLANNEL_NAMESPACE));
  });

  it("pool CIDR and autodetection interface follow config (nothing hard-coded)", () => {
    const { charts } = synthPlatform("local", { kubernetes: { podCidr: "10.32.0.0/16" }, network: { guestInterface: "eth1" } });
    const inst = one(charts.get("10-cni")!, "Installation");
    assert.equal(field<{ cidr: string }[]>(inst, "spec.calicoNetwork.ipPools")[0]!.cidr, "10.32.0.0/16");
    assert.equal(field(inst, "spec.calicoNetwork.nodeAddressAutodetectionV4.interface"), "eth1");
  });

  it("Flannel (cni: flannel): net-conf Network is the pod CIDR, flanneld bound to the host-only NIC, pinned images", () => {
    const { charts } = synthPlatform("local", { cni: "flannel", kubernetes: { podCidr: "10.42.0.0/16" } });
    const cni = charts.get("10-cni")!;
    assert.equal(ofKind(cni, "Installation").length, 0);
    const cm = one(cni, "ConfigMap", "kube-flannel-cfg");
    const netConf = JSON.parse(field<Record<string, string>>(cm, "data")["net-conf.json"]!) as { Network: string; Backend: { Type: string } };
    assert.equal(netConf.Network, "10.42.0.0/16");
    assert.equal(netConf.Backend.Type, "vxlan");
    const cniConf = JSON.parse(field<Record<string, string>>(cm, "data")["cni-conf.json"]!) as { plugins: { type: string }[] };
    assert.deepEqual(
      cniConf.plugins.map((p) => p.type),
      ["flannel", "portmap"],
    );

    const ds = one(cni, "DaemonSet", "kube-flannel-ds");
    assert.equal(ds.metadata?.namespace, FLANNEL_NAMESPACE);
    const flanneld = allContainers([ds]).find((c) => c.container.name === "kube-flannel")!.container;
    assert.ok(flanneld.args!.includes("--iface=enp0s8"), `args: ${flanneld.args!.join(" ")}`);
    assert.ok(flanneld.args!.includes("--kube-subnet-mgr"));
    assert.deepEqual(
      allContainers([ds])
        .map((c) => c.container.image)
        .sort(),
      [IMAGES.flannelCniPlugin, IMAGES.flannel, IMAGES.flannel].sort(),
    );
    assert.equal(field(ds, "spec.template.spec.serviceAccountName"), "flannel");
  });

  it("Flannel RBAC is exactly upstream's (pods get; nodes get/list/watch; nodes/status patch)", () => {
    const { charts } = synthPlatform("local", { cni: "flannel" });
    const cni = charts.get("10-cni")!;
    assert.deepEqual(field(one(cni, "ClusterRole", "flannel"), "rules"), [
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
    ]);
    assert.deepEqual(field(one(cni, "ClusterRoleBinding", "flannel"), "subjects"), [{ kind: "ServiceAccount", name: "flannel", namespace: FLANNEL_NAMESPACE }]);
    // Cluster-scoped objects carry no namespace.
    for (const kind of ["Namespace", "ClusterRole", "ClusterRoleBinding"]) assert.equal(one(cni, kind).metadata?.namespace, undefined, kind);
  });
});
