/**
 * Runtime handlers: every RuntimeClass the charts create names a handler that the nodes' cloud-init
 * registers with containerd, on the nodes the class schedules onto; every runtimeClassName a Pod
 * uses exists (created by the charts, or by ACK for the sandboxed node pool the stack creates).
 * Renaming either side (the containerd runtime in the gVisor script, the RuntimeClass handler, ACK's
 * node pool runtime) fails here, where the sandboxed executors would otherwise be stuck at
 * ContainerCreating with every other test green.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { KUBEADM_INIT_CONFIG, KUBEADM_JOIN_CONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { ackSides, type LocalSides, localSides, nodeYaml, podSpecs } from "./sides";
import type { CloudConfigDoc } from "../local/support";

/**
 * The containerd runtimes a node's scripts register: each `printf` that appends a
 * `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s]` table, resolved through the
 * script's own parameter block (`HANDLER='runsc'`).
 */
function registeredRuntimes(userData: CloudConfigDoc): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of userData.write_files) {
    if (!file.content.startsWith("#!/bin/bash")) continue;
    const params = new Map<string, string>();
    for (const m of file.content.matchAll(/^([A-Z][A-Z0-9_]*)='([^']*)'$/gm)) params.set(m[1]!, m[2]!);
    const table = /printf '\\n\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.%s\]\\n {2}runtime_type = "([^"]+)"[^']*' "\$([A-Z_]+)"/g;
    for (const m of file.content.matchAll(table)) {
      const name = params.get(m[2]!);
      assert.ok(name, `${file.path}: the runtime name comes from $${m[2]}, which its parameters do not set`);
      out.set(name, m[1]!);
    }
  }
  return out;
}

/** `node-labels` the kubelet registers with, from the node's kubeadm init or join configuration. */
function kubeletLabels(userData: CloudConfigDoc): Record<string, string> {
  const docs = [...nodeYaml(userData, KUBEADM_INIT_CONFIG), ...nodeYaml(userData, KUBEADM_JOIN_CONFIG)];
  const reg = docs.map((d) => d.nodeRegistration as { kubeletExtraArgs?: unknown } | undefined).find((r) => r);
  assert.ok(reg, "the node has a kubeadm nodeRegistration");
  const args = reg.kubeletExtraArgs;
  const value = Array.isArray(args)
    ? (args as { name: string; value: string }[]).find((a) => a.name === "node-labels")?.value
    : (args as Record<string, string> | undefined)?.["node-labels"];
  return Object.fromEntries(
    (value ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
}

function runtimeClasses(sides: LocalSides) {
  return sides.manifests.filter((o) => o.kind === "RuntimeClass") as unknown as {
    metadata: { name: string };
    handler: string;
    scheduling?: { nodeSelector?: Record<string, string> };
  }[];
}

describe("runtime handlers: local cloud-init ↔ RuntimeClasses", () => {
  const sides = localSides({ runtimes: { gvisor: { enabled: true }, kata: { enabled: true } }, webApp: { runtime: "kata" } });
  const k8sNodes = sides.nodes.filter((n) => n.role !== "nfs");

  it("every RuntimeClass handler is a containerd runtime on every node the class schedules onto", () => {
    const classes = runtimeClasses(sides);
    assert.deepEqual(classes.map((c) => c.metadata.name).sort(), ["gvisor", "kata"]);
    for (const rc of classes) {
      const selector = rc.scheduling?.nodeSelector ?? {};
      const eligible = k8sNodes.filter((n) => Object.entries(selector).every(([k, v]) => kubeletLabels(n.userData)[k] === v));
      assert.ok(eligible.length > 0, `RuntimeClass ${rc.metadata.name} selects ${JSON.stringify(selector)}, which no node's kubelet registers`);
      for (const node of eligible) {
        const runtimes = registeredRuntimes(node.userData);
        assert.ok(
          runtimes.has(rc.handler),
          `RuntimeClass ${rc.metadata.name} uses handler ${rc.handler}; ${node.name}'s containerd registers only ${[...runtimes.keys()].join(", ") || "none"}`,
        );
      }
    }
  });

  it("each handler runs its own runtime (runsc's shim for gVisor, Kata's for kata)", () => {
    const byName = new Map(runtimeClasses(sides).map((rc) => [rc.metadata.name, rc.handler]));
    const runtimes = registeredRuntimes(k8sNodes[0]!.userData);
    assert.equal(runtimes.get(byName.get("gvisor")!), "io.containerd.runsc.v1");
    assert.equal(runtimes.get(byName.get("kata")!), "io.containerd.kata.v2");
  });

  it("every runtimeClassName a Pod uses is a RuntimeClass the charts create", () => {
    const names = new Set(runtimeClasses(sides).map((rc) => rc.metadata.name));
    const used = podSpecs(sides.manifests).filter((p) => p.spec.runtimeClassName);
    assert.ok(
      used.some((p) => p.spec.runtimeClassName === "gvisor") && used.some((p) => p.spec.runtimeClassName === "kata"),
      "the variant uses both sandboxes",
    );
    for (const p of used) assert.ok(names.has(p.spec.runtimeClassName as string), `${p.where}: runtimeClassName ${p.spec.runtimeClassName}`);
  });

  it("nodes register no sandbox runtime while it is off", () => {
    const off = localSides({ runtimes: { gvisor: { enabled: false }, kata: { enabled: false } }, faas: { executors: { runtime: "runc" } } });
    assert.equal(runtimeClasses(off).length, 0);
    for (const n of off.nodes) assert.equal(registeredRuntimes(n.userData).size, 0, n.name);
  });
});

describe("runtime handlers: ACK sandboxed node pool ↔ runtimeClassName", () => {
  // Validation refuses the pool on the minors this project creates; switched on after validation.
  const { terraform, manifests } = ackSides("ack-managed", {}, (c) => ({
    ...c,
    sandboxedNodePool: { ...c.sandboxedNodePool, enabled: true },
    faas: { ...c.faas, executors: { ...c.faas.executors, runtime: "kata" } },
  }));

  it("Pods select the RuntimeClass ACK creates for the runtime of a node pool the stack creates", () => {
    const pools = Object.values(terraform.resource["alicloud_cs_kubernetes_node_pool"] ?? {}) as { runtime_name?: string }[];
    // ACK names the RuntimeClass of a sandboxed-container pool after the runtime: Sandboxed-Container.runv → runv.
    const ackClasses = new Set(
      pools.flatMap((p) => (p.runtime_name?.startsWith("Sandboxed-Container.") ? [p.runtime_name.slice("Sandboxed-Container.".length)] : [])),
    );
    assert.ok(ackClasses.size > 0, `no sandboxed node pool in ${pools.map((p) => p.runtime_name).join(", ")}`);
    const used = podSpecs(manifests).filter((p) => p.spec.runtimeClassName);
    assert.ok(used.length > 0, "the executors run sandboxed");
    assert.equal(manifests.filter((o) => o.kind === "RuntimeClass").length, 0, "ACK's class is referenced, never created");
    for (const p of used)
      assert.ok(
        ackClasses.has(p.spec.runtimeClassName as string),
        `${p.where}: runtimeClassName ${p.spec.runtimeClassName}, node pools provide ${[...ackClasses].join(", ")}`,
      );
  });
});
