/** destroy against a fake terraform: confirmation, LANG=C in the stack folder, stale outputs removed. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import { destroy, type DestroyOptions } from "../../src/deploy/destroy";
import { memoryReporter } from "../../src/deploy/reporter";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { fakeRunner, stubBin } from "./fakes";

function setup(over: Partial<DestroyOptions> = {}) {
  const root = scratchDir();
  mkdirSync(join(root, "state", "local"), { recursive: true });
  writeFileSync(join(root, "state", "local", "outputs.json"), "{}");
  const runner = fakeRunner();
  const opts: DestroyOptions = {
    root,
    environment: "local",
    configs: defaultConfigs(),
    runner,
    reporter: memoryReporter(),
    env: { PATH: stubBin({ terraform: "", VBoxManage: "" }) },
    yes: false,
    ...over,
  };
  return { root, runner, opts };
}

describe("destroy flow (fakes)", () => {
  it("destroys after the environment name is typed, in the stack folder with LANG=C, and drops stale outputs", async () => {
    const questions: string[] = [];
    const { root, runner, opts } = setup({ confirm: async (q) => (questions.push(q), "local\n") });
    await destroy(opts);
    assert.match(questions[0]!, /deletes every resource of local/);
    const tf = runner.calls.filter((c) => c.cmd === "terraform");
    assert.deepEqual(
      tf.map((c) => c.args[0]),
      ["init", "destroy"],
    );
    assert.ok(tf[1]!.args.includes("-auto-approve"));
    for (const c of tf) {
      assert.equal(c.cwd, join(root, "cdktf.out", "stacks", "local"));
      assert.equal(c.env?.LC_ALL, "C");
      assert.equal(c.umask, 0o077, "state written by destroy stays owner-only");
    }
    assert.equal(statSync(join(root, "state", "local")).mode & 0o777, 0o700);
    assert.ok(!existsSync(join(root, "state", "local", "outputs.json")));
  });

  it("removes the local seed ISOs and seed folders (CA key, token) after a successful destroy, and keeps them when it fails", async () => {
    const seeded = (root: string) => {
      mkdirSync(join(root, "state", "local", "seed", "master01"), { recursive: true });
      writeFileSync(join(root, "state", "local", "seed", "master01.iso"), "iso");
      writeFileSync(join(root, "state", "local", "seed", "master01", "user-data"), "ca key");
    };
    const ok = setup({ yes: true });
    seeded(ok.root);
    await destroy(ok.opts);
    assert.ok(!existsSync(join(ok.root, "state", "local", "seed")));
    assert.ok(existsSync(join(ok.root, "state", "local")), "only the seeds go, not the state folder");

    const failing = setup({ yes: true });
    seeded(failing.root);
    const runner = fakeRunner((c) => (c.cmd === "terraform" && c.args[0] === "destroy" ? { code: 1, stderr: "Error: VBoxManage failed" } : undefined));
    await assert.rejects(destroy({ ...failing.opts, runner }), UserError);
    assert.ok(existsSync(join(failing.root, "state", "local", "seed", "master01.iso")), "a failed destroy leaves the running VMs their seeds");
  });

  it("does nothing when the confirmation does not match", async () => {
    const { root, runner, opts } = setup({ confirm: async () => "loca" });
    await assert.rejects(destroy(opts), (e: unknown) => e instanceof UserError && /not confirmed; nothing was destroyed/.test(e.message));
    assert.equal(runner.calls.filter((c) => c.cmd === "terraform").length, 0);
    assert.ok(existsSync(join(root, "state", "local", "outputs.json")));
  });

  it("destroys an ACK cluster once deletion protection is off in config", async () => {
    const configs = defaultConfigs();
    configs["ack-managed"].cluster.deletionProtection = false;
    const { runner, opts } = setup({
      environment: "ack-managed",
      configs,
      yes: true,
      env: { PATH: stubBin({ terraform: "" }), ALICLOUD_ACCESS_KEY: "a", ALICLOUD_SECRET_KEY: "b" },
    });
    await destroy(opts);
    assert.deepEqual(
      runner.calls.filter((c) => c.cmd === "terraform").map((c) => c.args[0]),
      ["init", "destroy"],
    );
  });
});
