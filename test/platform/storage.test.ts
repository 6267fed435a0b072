import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { LOCAL_VOLUME_STORAGE_CLASS } from "../../src/contracts/storage";
import { field, ofKind, one, synthPlatform } from "./helpers";

describe("storage (local)", () => {
  it("the web PV is the NFS node's export, ReadWriteMany, retained, reserved for the web claim", () => {
    const { charts } = synthPlatform("local", { nfs: { ip: "192.168.60.40", exportPath: "/exports/web" } });
    const pv = one(charts.get("40-storage")!, "PersistentVolume", "web-content");
    assert.deepEqual(field(pv, "spec.nfs"), { server: "192.168.60.40", path: "/exports/web" });
    assert.ok(field<string[]>(pv, "spec.mountOptions").includes("nfsvers=4.1"));
    assert.deepEqual(field(pv, "spec.accessModes"), ["ReadWriteMany"]);
    assert.equal(field(pv, "spec.persistentVolumeReclaimPolicy"), "Retain");
    assert.deepEqual(field(pv, "spec.claimRef"), { namespace: "web", name: "web-content" });

    const pvc = one(charts.get("50-web")!, "PersistentVolumeClaim", "web-content");
    assert.equal(pvc.metadata?.namespace, "web");
    assert.equal(field(pvc, "spec.volumeName"), pv.metadata?.name);
    assert.equal(field(pvc, "spec.storageClassName"), field(pv, "spec.storageClassName"), "same class, or the claim cannot bind");
    assert.equal(field(pvc, "spec.resources.requests.storage"), field(pv, "spec.capacity.storage"));
    assert.deepEqual(field(pvc, "spec.accessModes"), ["ReadWriteMany"]);
  });

  it("one local PV per Kubernetes node (control plane included) and volume, pinned to that node, for the local-volume class", () => {
    const workers = [
      { name: "worker01", ip: "192.168.60.21", cpus: 2, memoryMiB: 4096 },
      { name: "worker02", ip: "192.168.60.22", cpus: 2, memoryMiB: 4096 },
      { name: "worker03", ip: "192.168.60.23", cpus: 2, memoryMiB: 4096 },
    ];
    const { charts } = synthPlatform("local", { workers, localVolumes: { path: "/data/vols", perNode: 2 }, faas: { nats: { storageSize: "7Gi" } } });
    const objects = charts.get("40-storage")!;
    const local = ofKind(objects, "PersistentVolume").filter((pv) => field(pv, "spec.local") !== undefined);
    const nodes = ["master01", ...workers.map((w) => w.name)];
    assert.equal(local.length, nodes.length * 2);
    const seen = new Set<string>();
    for (const pv of local) {
      const terms = field<{ matchExpressions: { key: string; operator: string; values: string[] }[] }[]>(pv, "spec.nodeAffinity.required.nodeSelectorTerms");
      assert.equal(terms.length, 1);
      const [expr] = terms[0]!.matchExpressions;
      assert.equal(expr!.key, "kubernetes.io/hostname");
      assert.equal(expr!.operator, "In");
      assert.equal(expr!.values.length, 1);
      const node = expr!.values[0]!;
      assert.ok(nodes.includes(node), `${node} is a Kubernetes node`);
      const path = field<string>(pv, "spec.local.path");
      assert.match(path, /^\/data\/vols\/vol0[12]$/);
      const key = `${node}:${path}`;
      assert.ok(!seen.has(key), `duplicate ${key}`);
      seen.add(key);
      assert.equal(field(pv, "spec.storageClassName"), LOCAL_VOLUME_STORAGE_CLASS);
      assert.equal(field(pv, "spec.capacity.storage"), "7Gi");
      assert.deepEqual(field(pv, "spec.accessModes"), ["ReadWriteOnce"]);
    }
    assert.ok(!local.some((pv) => JSON.stringify(pv).includes("nfs01")), "no local volume on the NFS server");
    const sc = one(objects, "StorageClass", LOCAL_VOLUME_STORAGE_CLASS);
    assert.equal(field(sc, "provisioner"), "kubernetes.io/no-provisioner");
    assert.equal(field(sc, "volumeBindingMode"), "WaitForFirstConsumer");
  });

  it("without the web app there is no web PV or web chart", () => {
    const { charts } = synthPlatform("local", { webApp: { enabled: false } });
    assert.ok(!charts.has("50-web"));
    assert.ok(!ofKind(charts.get("40-storage")!, "PersistentVolume").some((pv) => pv.metadata?.name === "web-content"));
  });
});
