import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { cidrContainsIp, parseCidr, parseIp } from "../../src/config/ipv4";
import { IMAGES } from "../../src/config/images";
import { kubernetesRelease } from "../../src/config/versions";
import { testEnvironment } from "../support/synth-charts";
import { allContainers, field, one, synthPlatform } from "./helpers";

describe("MetalLB configuration (local)", () => {
  it("pool is one range inside the host-only network, clear of every node, NFS and host address", () => {
    const env = testEnvironment("local");
    if (env.kind !== "local") throw new Error("local expected");
    const c = env.config;
    const { charts } = synthPlatform("local");
    const objects = charts.get("30-metallb-config")!;
    const pool = one(objects, "IPAddressPool");
    assert.equal(pool.metadata?.namespace, "metallb-system");
    const addresses = field<string[]>(pool, "spec.addresses");
    assert.equal(addresses.length, 1);
    const [startText, endText] = addresses[0]!.split("-");
    const start = parseIp(startText!)!;
    const end = parseIp(endText!)!;
    assert.ok(start <= end);
    assert.equal(`${startText}-${endText}`, "192.168.60.200-192.168.60.250");
    const network = parseCidr(c.network.cidr)!;
    assert.ok(cidrContainsIp(network, start) && cidrContainsIp(network, end), "range inside network.cidr");
    assert.ok(start > network.first && end < network.last, "range excludes network and broadcast addresses");
    const fixed = [c.network.hostIp, c.controlPlane.ip, ...c.workers.map((w) => w.ip), c.nfs.ip];
    for (const ip of fixed) {
      const v = parseIp(ip)!;
      assert.ok(v < start || v > end, `${ip} must be outside the pool`);
    }
  });

  it("L2Advertisement announces that pool on the host-only interface only", () => {
    const { charts } = synthPlatform("local", { network: { guestInterface: "enp0s9" } });
    const objects = charts.get("30-metallb-config")!;
    const pool = one(objects, "IPAddressPool");
    const l2 = one(objects, "L2Advertisement");
    assert.equal(l2.metadata?.namespace, "metallb-system");
    assert.deepEqual(field(l2, "spec.interfaces"), ["enp0s9"]);
    assert.deepEqual(field(l2, "spec.ipAddressPools"), [pool.metadata?.name]);
  });

  it("does not redefine the metallb-system namespace (upstream labels it privileged for the speaker)", () => {
    const { all } = synthPlatform("local");
    assert.ok(!all.some((o) => o.kind === "Namespace" && o.metadata?.name === "metallb-system"));
  });

  it("the pool follows config", () => {
    const { charts } = synthPlatform("local", { metallb: { addressStart: "192.168.60.100", addressEnd: "192.168.60.110" } });
    assert.deepEqual(field(one(charts.get("30-metallb-config")!, "IPAddressPool"), "spec.addresses"), ["192.168.60.100-192.168.60.110"]);
  });
});

describe("metrics-server (local)", () => {
  for (const minor of ["1.30", "1.35"]) {
    it(`Kubernetes ${minor}: version from the compatibility table, kubeadm flags, restricted securityContext`, () => {
      const { charts } = synthPlatform("local", { kubernetes: { version: minor } });
      const objects = charts.get("20-metrics-server")!;
      const version = kubernetesRelease(minor).metricsServer;
      assert.equal(version, minor === "1.30" ? "v0.7.2" : "v0.9.0");
      const deploy = one(objects, "Deployment", "metrics-server");
      assert.equal(deploy.metadata?.namespace, "kube-system");
      const [c] = allContainers([deploy]);
      assert.equal(c!.container.image, IMAGES.metricsServer(version));
      assert.ok(c!.container.image.endsWith(`:${version}`));
      const args = c!.container.args!;
      assert.ok(args.includes("--kubelet-insecure-tls"));
      assert.ok(args.includes("--kubelet-preferred-address-types=InternalIP"));
      assert.ok(args.includes("--secure-port=10250"));
      const sc = c!.container.securityContext!;
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.equal(sc.runAsNonRoot, true);
      assert.deepEqual(sc.capabilities?.drop, ["ALL"]);
      assert.equal(sc.seccompProfile?.type, "RuntimeDefault");
      assert.ok(c!.container.livenessProbe && c!.container.readinessProbe);
    });
  }

  it("APIService points at the Service that selects the Deployment's pods", () => {
    const { charts } = synthPlatform("local");
    const objects = charts.get("20-metrics-server")!;
    const api = one(objects, "APIService", "v1beta1.metrics.k8s.io");
    assert.deepEqual(field(api, "spec.service"), { name: "metrics-server", namespace: "kube-system" });
    const svc = one(objects, "Service", "metrics-server");
    const podLabels = field<Record<string, string>>(one(objects, "Deployment"), "spec.template.metadata.labels");
    for (const [k, v] of Object.entries(field<Record<string, string>>(svc, "spec.selector"))) assert.equal(podLabels[k], v);
    // The ServiceAccount the pods run as is the one bound to the roles.
    const sa = field<string>(one(objects, "Deployment"), "spec.template.spec.serviceAccountName");
    for (const b of objects.filter((o) => o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding")) {
      assert.deepEqual(field(b, "subjects"), [{ kind: "ServiceAccount", name: sa, namespace: "kube-system" }]);
    }
  });
});
