/**
 * Storage: the local PersistentVolumes point at directories the nodes' cloud-init creates, on the
 * node each PV is pinned to; the NFS volume at the export the NFS node serves; and every
 * storageClassName a claim asks for exists (created by the charts, or pre-created by ACK).
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { ACK_DISK_STORAGE_CLASS } from "../../src/contracts/storage";
import { LOCAL_VOLUMES_SCRIPT } from "../../stacks/local/cloud-init/scripts/local-volumes";
import { NFS_SERVER_SCRIPT } from "../../stacks/local/cloud-init/scripts/nfs-server";
import type { ManifestObject } from "../support/k8s-validate";
import type { CloudConfigDoc } from "../local/support";
import { ackSides, localSides, nodeFile } from "./sides";

/** A parameter of one of the node's scripts (`NAME='value'` in its parameter block). */
function scriptParam(userData: CloudConfigDoc, script: string, name: string): string | undefined {
  const text = nodeFile(userData, script);
  return text === undefined ? undefined : new RegExp(`^${name}='([^']*)'$`, "m").exec(text)?.[1];
}

interface Claim {
  where: string;
  storageClassName?: string;
}

function claims(objects: readonly ManifestObject[]): Claim[] {
  const out: Claim[] = [];
  for (const o of objects) {
    const where = `${o.kind} ${o.metadata?.name}`;
    if (o.kind === "PersistentVolumeClaim") out.push({ where, storageClassName: (o.spec as Claim).storageClassName });
    if (o.kind === "StatefulSet")
      for (const t of (o.spec as { volumeClaimTemplates?: { spec: Claim }[] }).volumeClaimTemplates ?? [])
        out.push({ where, storageClassName: t.spec.storageClassName });
  }
  return out;
}

describe("storage: local nodes ↔ storage chart", () => {
  const sides = localSides();
  const byName = new Map(sides.nodes.map((n) => [n.name, n.userData]));
  const pvs = sides.manifests.filter((o) => o.kind === "PersistentVolume") as unknown as {
    metadata: { name: string };
    spec: {
      storageClassName: string;
      local?: { path: string };
      nfs?: { server: string; path: string };
      nodeAffinity?: { required: { nodeSelectorTerms: { matchExpressions: { key: string; values: string[] }[] }[] } };
    };
  }[];

  it("every local PersistentVolume's directory is created on the node it is pinned to", () => {
    const local = pvs.filter((pv) => pv.spec.local);
    assert.ok(local.length >= 3, "NATS has its local volumes");
    for (const pv of local) {
      const hosts = pv.spec.nodeAffinity!.required.nodeSelectorTerms.flatMap((t) =>
        t.matchExpressions.filter((e) => e.key === "kubernetes.io/hostname").flatMap((e) => e.values),
      );
      assert.equal(hosts.length, 1, `${pv.metadata.name} is pinned to one node`);
      const dirs = scriptParam(byName.get(hosts[0]!)!, LOCAL_VOLUMES_SCRIPT, "DIRS")?.split(" ") ?? [];
      assert.ok(
        dirs.includes(pv.spec.local!.path),
        `${pv.metadata.name}: ${pv.spec.local!.path} on ${hosts[0]}, whose cloud-init creates ${dirs.join(", ") || "nothing"}`,
      );
    }
  });

  it("the NFS PersistentVolume mounts the export the NFS node serves", () => {
    const nfs = pvs.filter((pv) => pv.spec.nfs);
    assert.equal(nfs.length, 1);
    const node = sides.nodes.find((n) => n.role === "nfs")!;
    assert.equal(nfs[0]!.spec.nfs!.server, sides.env.config.nfs.ip);
    assert.equal(nfs[0]!.spec.nfs!.path, scriptParam(node.userData, NFS_SERVER_SCRIPT, "EXPORT_PATH"));
  });

  it("every claim asks for a StorageClass the charts create, or binds statically", () => {
    const classes = new Set(sides.manifests.filter((o) => o.kind === "StorageClass").map((o) => o.metadata!.name));
    const all = claims(sides.manifests);
    assert.ok(
      all.some((c) => c.storageClassName),
      "some claim names a class",
    );
    for (const c of all) assert.ok(c.storageClassName === "" || classes.has(c.storageClassName!), `${c.where}: storageClassName ${c.storageClassName}`);
    for (const pv of pvs) assert.ok(pv.spec.storageClassName === "" || classes.has(pv.spec.storageClassName), `PV ${pv.metadata.name}`);
  });
});

describe("storage: ACK", () => {
  it("claims use ACK's pre-created disk class or bind statically", () => {
    const all = claims(ackSides("ack-managed").manifests);
    assert.ok(all.some((c) => c.storageClassName === ACK_DISK_STORAGE_CLASS));
    for (const c of all)
      assert.ok(c.storageClassName === "" || c.storageClassName === ACK_DISK_STORAGE_CLASS, `${c.where}: storageClassName ${c.storageClassName}`);
  });
});
