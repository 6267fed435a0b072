import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { ACK_SERVICE_ROLES, serviceRolesPreflight } from "../../stacks/ack/service-roles";
import { synthAck } from "./synth-ack";

describe("ACK service roles (one-time account prerequisite)", () => {
  it("are never created or attached by a cluster stack (destroy must not remove account-wide roles)", () => {
    for (const env of ["ack-managed", "ack-dedicated"] as const) {
      const { json } = synthAck(env);
      assert.equal(json.resource.alicloud_ram_role, undefined);
    }
  });

  it("preflight message names the environment, how to authorise, the failure symptom and every role", () => {
    const message = serviceRolesPreflight("ack-managed");
    assert.match(message, /^ack-managed: /);
    assert.match(message, /Cloud Resource Access Authorization/);
    assert.match(message, /docs\/ack\.md/);
    assert.match(message, /ErrManagedAddonRoleNotAttach/);
    for (const role of ["AliyunCSManagedKubernetesRole", "AliyunCSManagedAutoScalerRole", "AliyunOOSLifecycleHook4CSRole"]) {
      assert.ok((ACK_SERVICE_ROLES as readonly string[]).includes(role));
      assert.ok(message.includes(role));
    }
  });
});
