import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { ALL_UPSTREAM_INSTALLS, upstreamInstallsFor } from "../../src/config/upstream";
import { kubernetesRelease } from "../../src/config/versions";
import { testEnvironment } from "../support/synth-charts";

function localConfig(overrides: Record<string, unknown>) {
  const env = testEnvironment("local", overrides);
  if (env.kind !== "local") throw new Error("local expected");
  return env.config;
}

describe("upstream install table", () => {
  it("every URL is HTTPS and version-pinned (contains its version, no latest/main/master/HEAD), with a SHA-256", () => {
    assert.ok(ALL_UPSTREAM_INSTALLS.length >= 4);
    for (const i of ALL_UPSTREAM_INSTALLS) {
      const url = new URL(i.url);
      assert.equal(url.protocol, "https:", i.id);
      assert.match(i.version, /^v\d+\.\d+\.\d+$/, i.id);
      assert.ok(url.pathname.split("/").includes(i.version), `${i.url} has ${i.version} as a path segment`);
      for (const floating of ["latest", "main", "master", "HEAD"]) assert.ok(!url.pathname.split("/").includes(floating), `${i.url} contains ${floating}`);
      assert.match(i.sha256, /^[0-9a-f]{64}$/, i.id);
      assert.ok(i.id.endsWith(i.version), `${i.id} names its version`);
    }
    assert.equal(new Set(ALL_UPSTREAM_INSTALLS.map((i) => i.id)).size, ALL_UPSTREAM_INSTALLS.length, "unique ids");
    assert.equal(new Set(ALL_UPSTREAM_INSTALLS.map((i) => i.sha256)).size, ALL_UPSTREAM_INSTALLS.length, "distinct files");
  });

  it("each install is applied before an existing chart file, and waits for what its dependants need", () => {
    const ids: string[] = Object.values(CHART_IDS);
    for (const i of ALL_UPSTREAM_INSTALLS) assert.ok(ids.includes(i.before), `${i.id}: before ${i.before}`);
    const metallb = ALL_UPSTREAM_INSTALLS.find((i) => i.id.startsWith("metallb"))!;
    assert.equal(metallb.before, CHART_IDS.metallb);
    // The webhook rejects pools until the controller serves it.
    assert.ok(metallb.waitFor.some((w) => w.kind === "deployment" && w.namespace === "metallb-system" && w.name === "controller"));
    for (const crd of ["ipaddresspools.metallb.io", "l2advertisements.metallb.io"]) assert.ok(metallb.waitFor.some((w) => w.kind === "crd" && w.name === crd));
  });

  for (const minor of ["1.30", "1.35"]) {
    it(`local ${minor} with Calico gets the operator of the Calico release the table pins, then MetalLB`, () => {
      const installs = upstreamInstallsFor(localConfig({ kubernetes: { version: minor } }));
      const calico = kubernetesRelease(minor).calico;
      const operator = installs.filter((i) => i.before === CHART_IDS.cni);
      assert.ok(operator.length >= 1);
      for (const i of operator) assert.equal(i.version, calico);
      assert.ok(operator.some((i) => i.waitFor.some((w) => w.kind === "crd" && w.name === "installations.operator.tigera.io")));
      assert.ok(operator.some((i) => i.waitFor.some((w) => w.kind === "deployment" && w.name === "tigera-operator")));
      assert.ok(
        operator.every((i) => i.serverSide),
        "the operator CRDs exceed client-side apply's annotation limit",
      );
      assert.equal(installs.at(-1)!.id, "metallb-native-v0.16.1");
    });
  }

  it("local with Flannel installs no Calico operator (our chart is the whole CNI)", () => {
    const installs = upstreamInstallsFor(localConfig({ cni: "flannel" }));
    assert.deepEqual(
      installs.map((i) => i.id),
      ["metallb-native-v0.16.1"],
    );
  });
});
