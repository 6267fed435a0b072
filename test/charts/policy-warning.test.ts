import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { addCharts } from "../../charts";
import { unenforcedPolicyWarning } from "../../charts/shared/network-policy";
import { newContext } from "../../src/contracts/synth-context";
import { testEnvironment } from "../support/synth-charts";

function synthWarnings(name: Parameters<typeof testEnvironment>[0], overrides: Record<string, unknown> = {}): string[] {
  const root = mkdtempSync(join(tmpdir(), "clusterkit-warn-"));
  const ctx = newContext(root);
  addCharts(testEnvironment(name, overrides), join(root, "dist"), ctx);
  assert.ok(readdirSync(join(root, "dist")).length > 0, "manifests written");
  return ctx.warnings.filter((w) => /NetworkPolicy/.test(w));
}

describe("NetworkPolicy enforcement warning", () => {
  it("is silent when the CNI enforces NetworkPolicy (Calico locally, Terway on ACK)", () => {
    assert.deepEqual(synthWarnings("local"), []);
    assert.deepEqual(synthWarnings("ack-managed"), []);
  });

  it("fires once, loudly, for local Flannel and names the isolation that is lost", () => {
    const warnings = synthWarnings("local", { cni: "flannel" });
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /^!!! local: cni is "flannel", which does NOT enforce NetworkPolicy\. NOT in effect: the faas isolation/);
    assert.match(warnings[0]!, /executor code can reach every pod and the API server/);
    assert.match(warnings[0]!, /Use cni: "calico"/);
  });

  it("fires for ACK Flannel, pointing at Terway", () => {
    const warnings = synthWarnings("ack-managed", { cluster: { cni: "flannel" }, network: { podVswitches: [] } });
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /ack-managed: cluster\.cni is "flannel".*cluster\.cni: "terway"/);
  });

  it("names only what is deployed", () => {
    const env = testEnvironment("local", { cni: "flannel", faas: { enabled: false } });
    assert.doesNotMatch(unenforcedPolicyWarning(env)!, /faas/);
    assert.match(unenforcedPolicyWarning(env)!, /web app/);
  });
});
