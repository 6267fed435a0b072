import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { backendPath, fromRoot } from "../../stacks/shared/paths";
import { synthMain } from "../../src/cli/commands/synth";
import { configFile, scratchDir } from "../support/cli";
import { runCommandIn } from "../support/commands";

describe("paths written into Terraform JSON", () => {
  it("rewrites project-relative paths from the stack folder and keeps absolute ones", () => {
    assert.equal(fromRoot("state/local/kubeconfig"), "${path.module}/../../../state/local/kubeconfig");
    assert.equal(fromRoot("./boxes/a.box"), "${path.module}/../../../boxes/a.box");
    assert.equal(fromRoot("/home/u/.kube/ack"), "/home/u/.kube/ack");
    assert.equal(fromRoot("C:\\boxes\\a.box"), "C:\\boxes\\a.box");
    assert.equal(backendPath("state/x/terraform.tfstate"), "../../../state/x/terraform.tfstate");
    assert.equal(backendPath("/var/tf/x.tfstate"), "/var/tf/x.tfstate");
  });

  it("an absolute kubeconfig and state path reach the ACK and local stacks unchanged", async () => {
    const root = scratchDir();
    const config = configFile({
      local: { kubeconfigPath: "/home/u/.kube/local" },
      "ack-managed": { kubeconfigPath: "/home/u/.kube/ack", backend: { type: "local", path: "/var/tf/ack.tfstate" } },
    });
    const r = await runCommandIn(synthMain, [], root, { CLUSTERKIT_CONFIG: config });
    assert.equal(r.status, 0, r.stderr);
    const ack = JSON.parse(readFileSync(join(root, "cdktf.out/stacks/ack-managed/cdk.tf.json"), "utf8"));
    assert.equal(ack.terraform.backend.local.path, "/var/tf/ack.tfstate");
    const files = (tf: { resource: Record<string, Record<string, { filename?: string }>> }) =>
      Object.values(tf.resource.local_sensitive_file ?? {}).map((f) => f.filename);
    assert.ok(files(ack).includes("/home/u/.kube/ack"), JSON.stringify(files(ack)));
    const local = JSON.parse(readFileSync(join(root, "cdktf.out/stacks/local/cdk.tf.json"), "utf8"));
    assert.ok(files(local).includes("/home/u/.kube/local"), JSON.stringify(files(local)));
  });
});
