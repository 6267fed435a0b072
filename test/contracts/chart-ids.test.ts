/**
 * Chart ids and apply order: the files `addCharts` really writes, planned by deploy's own
 * `applyPlanFor`, put each pinned upstream install right before the file that needs it (the CRDs
 * and webhooks of Calico and MetalLB before the objects of those kinds), the Secrets and images
 * before the first file that uses them, and the wait for Ready nodes right after the CNI.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { addCharts } from "../../charts";
import type { EnvironmentName } from "../../src/config/schema";
import { faasSecrets } from "../../src/contracts/secrets";
import { applyPlanFor } from "../../src/deploy/deploy";
import { planImages } from "../../src/deploy/images";
import { scratchContext, testEnvironment } from "../support/synth-charts";

/** Which file's objects each upstream install's CRDs or controller serve. */
const SERVES: Record<string, RegExp> = {
  calico: /^kind: Installation$/m,
  tigera: /^kind: Installation$/m,
  metallb: /^kind: (IPAddressPool|L2Advertisement)$/m,
};

for (const name of ["local", "ack-managed"] as EnvironmentName[]) {
  describe(`apply order of the files ${name}'s charts write`, () => {
    const env = testEnvironment(name);
    const dir = mkdtempSync(join(tmpdir(), "clusterkit-order-"));
    addCharts(env, dir, scratchContext());
    const secrets = faasSecrets(env.config.faas).map((spec) => ({ spec, data: {} }));
    const images = planImages(env).deliveries;
    const steps = applyPlanFor(env, dir, secrets, undefined, images);
    const text = (file: string) => readFileSync(join(dir, file), "utf8");
    const manifestAt = (i: number) => steps.slice(i).find((s) => s.kind === "manifest") as { file: string } | undefined;
    const firstIndex = (pred: (file: string) => boolean) => steps.findIndex((s) => s.kind === "manifest" && pred(s.file));

    it("each upstream install comes right before the chart file it names, which exists and uses what it serves", () => {
      const installs = steps.flatMap((s, i) => (s.kind === "upstream" ? [{ i, install: s.install }] : []));
      if (name === "local") assert.ok(installs.length >= 2, "Calico and MetalLB");
      for (const { i, install } of installs) {
        const next = manifestAt(i);
        assert.equal(next?.file, `${install.before}.k8s.yaml`, `${install.id} is applied right before its chart`);
        const serves = Object.entries(SERVES).find(([k]) => install.id.startsWith(k))?.[1];
        if (serves) {
          assert.match(text(next!.file), serves, `${next!.file} holds what ${install.id} serves`);
          assert.ok(firstIndex((f) => serves.test(text(f))) > i, `nothing before ${install.id} needs it`);
        }
      }
    });

    it("Secrets and images come before the first file that uses them", () => {
      const secretsAt = steps.findIndex((s) => s.kind === "secrets");
      const imagesAt = steps.findIndex((s) => s.kind === "images");
      const usesSecret = (f: string) => secrets.some((s) => text(f).includes(`name: ${s.spec.name}`));
      const usesImage = (f: string) => images.some((d) => text(f).includes(`image: ${d.reference}`));
      assert.ok(images.length > 0 && firstIndex(usesImage) >= 0, "the workload runs the images deploy pushes");
      assert.ok(secretsAt >= 0 && firstIndex(usesSecret) > secretsAt, "Secrets first");
      assert.ok(imagesAt >= 0 && firstIndex(usesImage) > imagesAt, "images first");
    });

    it("nodes are awaited right after the CNI file, where the CNI is ours", () => {
      const ready = steps.findIndex((s) => s.kind === "nodes-ready");
      if (name !== "local") return assert.equal(ready, -1);
      const before = steps[ready - 1] as { kind: string; file?: string };
      assert.equal(before.kind, "manifest");
      assert.match(text(before.file!), /^kind: (Installation|DaemonSet)$/m, `${before.file} installs the pod network`);
    });
  });
}
