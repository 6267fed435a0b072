/** Properties every platform chart must have, in every environment and CNI variant. */
import assert from "node:assert/strict";
import { describe, it, expect } from "@jest/globals";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { IMAGES, isPinnedImage } from "../../src/config/images";
import type { EnvironmentName } from "../../src/config/schema";
import { KUBERNETES_RELEASES } from "../../src/config/versions";
import { allContainers, ofKind, synthPlatform } from "./helpers";

const VARIANTS: { label: string; env: EnvironmentName; overrides: Record<string, unknown> }[] = [
  { label: "local (calico)", env: "local", overrides: {} },
  { label: "local (flannel)", env: "local", overrides: { cni: "flannel" } },
  { label: "local (1.30)", env: "local", overrides: { kubernetes: { version: "1.30" } } },
  { label: "ack-managed", env: "ack-managed", overrides: {} },
  { label: "ack-dedicated", env: "ack-dedicated", overrides: {} },
];

const KNOWN_IMAGES = new Set<string>([
  ...Object.values(IMAGES).flatMap((v): string[] => (typeof v === "string" ? [v] : [])),
  ...Object.values(KUBERNETES_RELEASES).map((r) => IMAGES.metricsServer(r.metricsServer)),
]);

for (const { label, env, overrides } of VARIANTS) {
  describe(`platform charts: ${label}`, () => {
    const { charts, all } = synthPlatform(env, overrides);

    it("chart ids are the shared apply-order ids", () => {
      const known = new Set<string>(Object.values(CHART_IDS));
      for (const id of charts.keys()) assert.ok(known.has(id), `${id} is not in src/contracts/chart-ids.ts`);
      assert.deepEqual([...charts.keys()], [...charts.keys()].sort(), "registered in apply order");
    });

    it("every container (init containers too) has CPU and memory requests", () => {
      const containers = allContainers(all);
      assert.ok(containers.length > 0);
      for (const { where, container } of containers) {
        assert.ok(container.resources?.requests?.cpu, `${where}: requests.cpu`);
        assert.ok(container.resources?.requests?.memory, `${where}: requests.memory`);
      }
    });

    it("every image is pinned, none is ':latest', and each comes from src/config/images.ts", () => {
      for (const { where, container } of allContainers(all)) {
        assert.ok(isPinnedImage(container.image), `${where}: ${container.image}`);
        assert.doesNotMatch(container.image, /:latest$/);
        assert.ok(KNOWN_IMAGES.has(container.image), `${where}: ${container.image} is not listed in images.ts`);
      }
      assert.doesNotMatch(JSON.stringify(all), /:latest\b/);
    });

    it("every namespace we create carries Pod Security labels; only kube-flannel is privileged, and only with Flannel", () => {
      for (const ns of ofKind(all, "Namespace")) {
        const labels = ns.metadata?.labels ?? {};
        const level = labels["pod-security.kubernetes.io/enforce"];
        assert.ok(level, `${ns.metadata?.name} has an enforce label`);
        assert.ok(labels["pod-security.kubernetes.io/enforce-version"]?.startsWith("v1."), `${ns.metadata?.name} pins the policy version`);
        if (ns.metadata?.name === "kube-flannel") assert.equal(level, "privileged");
        else assert.equal(level, "restricted", `${ns.metadata?.name}`);
      }
      const flannelNs = ofKind(all, "Namespace").some((n) => n.metadata?.name === "kube-flannel");
      assert.equal(flannelNs, label === "local (flannel)");
    });

    it("object names are stable (no cdk8s hash suffixes)", () => {
      for (const o of all) assert.doesNotMatch(o.metadata?.name ?? "", /-c8[0-9a-f]{6}$/, `${o.kind} ${o.metadata?.name}`);
    });
  });
}

describe("snapshots", () => {
  // Small inventory per environment: file -> kind namespace/name, plus images. Beside the assertions above.
  for (const env of ["local", "ack-managed", "ack-dedicated"] as const) {
    it(`${env} inventory`, () => {
      const { charts } = synthPlatform(env);
      const lines: string[] = [];
      for (const [id, objects] of charts) {
        lines.push(`${id}.k8s.yaml`);
        for (const o of objects) lines.push(`  ${o.apiVersion} ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`);
      }
      lines.push("images:", ...[...new Set(allContainers([...charts.values()].flat()).map((c) => c.container.image))].sort().map((i) => `  ${i}`));
      expect(lines.join("\n") + "\n").toMatchSnapshot();
    });
  }
});
