/**
 * Stack outputs: each stack declares exactly the outputs the contract names (src/contracts/stack-outputs.ts),
 * sensitive exactly where the contract says; and an output of `terraform output -json`, as deploy
 * passes it to synthesis, reaches the manifest that needs it (the NAS mount target into the web content PersistentVolume).
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { ACK_OUTPUTS, LOCAL_OUTPUTS, NAS_SERVER_PLACEHOLDER, SENSITIVE_OUTPUTS, stackOutputsFrom } from "../../src/contracts/stack-outputs";
import { outputValues } from "../../src/synth/stack-outputs";
import { ackSides, localTerraform, manifests } from "./sides";
import { synthCharts, testEnvironment } from "../support/synth-charts";
import { addPlatformCharts } from "../../charts/platform";
import type { TfJson } from "../ack/synth-ack";

type Outputs = Record<string, { value: unknown; sensitive?: boolean }>;

function checkOutputs(json: TfJson, names: Record<string, string>): void {
  const outputs = json.output as Outputs;
  assert.deepEqual(Object.keys(outputs).sort(), Object.values(names).sort(), "the stack declares exactly the contract's outputs");
  for (const [name, o] of Object.entries(outputs)) assert.equal(o.sensitive === true, SENSITIVE_OUTPUTS.includes(name), `${name}: sensitive`);
}

describe("stack outputs: stacks ↔ contract ↔ readers", () => {
  it("the local stack declares the contract's outputs; only the bootstrap token is sensitive", () => {
    const json = localTerraform();
    checkOutputs(json, LOCAL_OUTPUTS);
    // Deploy reads the token as { id, secret } (src/deploy/bootstrap-token.ts).
    assert.deepEqual(Object.keys(json.output[LOCAL_OUTPUTS.bootstrap_token]!.value as object).sort(), ["id", "secret"]);
  });

  for (const name of ["ack-managed", "ack-dedicated"] as const) {
    it(`${name} declares the contract's outputs, none sensitive`, () => checkOutputs(ackSides(name).terraform, ACK_OUTPUTS));
  }

  it("the NAS mount target in the ACK stack's applied outputs is the server of the web content volume", () => {
    const { terraform } = ackSides("ack-managed");
    // What `terraform output -json` prints after apply: the stack's own output names, with values;
    // deploy turns them into synthesis' argument exactly so (src/deploy/deploy.ts).
    const applied: Outputs = Object.fromEntries(Object.keys(terraform.output).map((n) => [n, { value: `value-of-${n}.example`, sensitive: false }]));
    const env = testEnvironment("ack-managed");
    const outputs = stackOutputsFrom(outputValues(applied));
    const pv = synthCharts(env, (app, e, ctx) => addPlatformCharts(app, e, ctx, outputs)).all.find((o) => o.kind === "PersistentVolume")!;
    const attributes = (pv.spec as { csi: { volumeAttributes: { server: string; path: string } } }).csi.volumeAttributes;
    assert.equal(attributes.server, `value-of-${ACK_OUTPUTS.nas_server}.example`);
    assert.equal(attributes.path, `value-of-${ACK_OUTPUTS.nas_path}.example`);
    // Before any deploy, the placeholder deploy refuses to apply.
    const fresh = manifests(env).find((o) => o.kind === "PersistentVolume")!;
    assert.equal((fresh.spec as { csi: { volumeAttributes: { server: string } } }).csi.volumeAttributes.server, NAS_SERVER_PLACEHOLDER);
  });
});
