/**
 * Fault injection into a whole deploy (fake tools, real files): a stop request while terraform
 * applies, a failed state save, a full disk, a read-only state folder, a concurrent deploy and a
 * synth during a deploy, secrets in tool output. Each must end with one clear message (never a stack
 * trace), lose nothing (Terraform state, outputs), leave no lock behind, and let the same command
 * succeed when run again. The tests share one environment, in order: each re-run is the next start.
 * A stop request at every other phase: interrupt-phases.e2e.test.ts (slow tier).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, it, jest } from "@jest/globals";
import { deploy } from "../../src/deploy/deploy";
import { Interruption } from "../../src/deploy/interrupt";
import { UserError } from "../../src/errors";
import { synthesize } from "../../src/synth/synth";
import { assertClean, CLIENT_SECRET, CLOUD_SECRET, failing, type Hook, harness } from "./harness";

const fsModule = jest.requireActual<typeof fs>("node:fs");
const h = harness();
const outputsFile = join(h.root, "state/local/outputs.json");

beforeAll(async () => {
  await deploy(h.options());
});

afterEach(() => {
  jest.restoreAllMocks();
  h.hooks.clear();
});

/** A terraform apply that waits until `release` is called. */
function pausedApply(): { hook: Hook; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const at = new Promise<void>((r) => (reached = r));
  return {
    reached: at,
    release,
    hook: async () => {
      reached();
      await gate;
      return undefined;
    },
  };
}

describe("a stop request (Ctrl-C, SIGTERM)", () => {
  it("while terraform applies: forwarded, terraform saves its state, deploy stops with 143 naming where the state is; a re-run succeeds", async () => {
    const before = { state: h.state()!.serial, outputs: readFileSync(outputsFile, "utf8") };
    const interruption = new Interruption();
    h.hooks.set("terraform apply", (_call, hh) => {
      interruption.raise("SIGTERM");
      writeFileSync(hh.statePath, JSON.stringify({ serial: before.state + 1 }));
      return { code: 1, stderr: "Interrupt received.\nGracefully shutting down...\n" };
    });
    const calls = h.calls.length;
    const err = await failing(deploy(h.options(interruption)));
    assert.equal(err.exitCode, 143);
    assert.match(
      err.message,
      /^interrupted by SIGTERM during terraform apply\n {2}- terraform stopped cleanly; its state is saved \(state\/local\/terraform\.tfstate\)\n {2}- nothing is lost: run the same command again to resume$/,
    );
    assert.equal(h.calls.at(-1)?.args[0], "apply", "nothing ran after the interrupted command");
    assert.ok(h.calls.length > calls);
    assert.equal(h.state()!.serial, before.state + 1);
    assert.equal(readFileSync(outputsFile, "utf8"), before.outputs);
    assertClean(h);
    h.hooks.clear();
    await deploy(h.options());
  });
});

describe("a failed state save (terraform's errored.tfstate)", () => {
  it("is moved beside the state (never deleted), named with the way to recover, and blocks the next run until pushed", async () => {
    h.hooks.set("terraform apply", (call) => {
      writeFileSync(join(call.cwd!, "errored.tfstate"), JSON.stringify({ serial: 99, resources: ["vm"] }));
      return { code: 1, stderr: "Error: Failed to save state\n\nError saving state: write state/local/terraform.tfstate: no space left on device\n" };
    });
    const err = await failing(deploy(h.options()));
    assert.match(err.message, /terraform apply failed and could not save its state/);
    const rescued = /state\/local\/errored-[^ ,]+\.tfstate/.exec(err.message)?.[0];
    assert.ok(rescued, err.message);
    assert.deepEqual(JSON.parse(readFileSync(join(h.root, rescued), "utf8")), { serial: 99, resources: ["vm"] });
    assert.equal(fs.statSync(join(h.root, rescued)).mode & 0o777, 0o600);
    assert.ok(!existsSync(join(h.root, "cdktf.out/stacks/local/errored.tfstate")), "moved out of the generated folder");
    assert.match(err.message, /terraform -chdir=cdktf\.out\/stacks\/local state push \.\.\/\.\.\/\.\.\/state\/local\/errored-/);
    assertClean(h);

    // The next run refuses before running terraform: applying without that state would create everything again.
    h.hooks.clear();
    const calls = h.calls.length;
    const again = await failing(deploy(h.options()));
    assert.match(again.message, /cannot deploy local: 1 problem found/);
    assert.ok(again.message.includes(rescued), again.message);
    assert.deepEqual(
      h.calls.slice(calls).filter((c) => c.cmd === "terraform"),
      [],
    );

    // After the push (done by hand), the file is moved away and deploy runs again.
    renameSync(join(h.root, rescued), join(h.root, `${rescued}.pushed`));
    await deploy(h.options());
  });

  it("a synth never deletes an errored.tfstate terraform left in the stack folder, and deploy refuses naming it", async () => {
    const errored = join(h.root, "cdktf.out/stacks/local/errored.tfstate");
    writeFileSync(errored, '{"serial": 7}');
    synthesize(h.options().configs, { root: h.root, only: ["local"] });
    assert.equal(readFileSync(errored, "utf8"), '{"serial": 7}');
    const err = await failing(deploy(h.options()));
    assert.match(err.message, /cdktf\.out\/stacks\/local\/errored\.tfstate/);
    assert.match(err.message, /state push errored\.tfstate/);
    rmSync(errored);
  });
});

describe("disk and permission errors", () => {
  it("a full disk while writing outputs.json: one line naming the file, the previous file intact; then a re-run succeeds", async () => {
    const before = readFileSync(outputsFile, "utf8");
    h.hooks.set("terraform output", () => {
      const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
      jest.spyOn(fsModule, "writeSync").mockImplementation(() => {
        throw enospc;
      });
      return { stdout: JSON.stringify({ control_plane_ip: { value: "192.168.60.99" } }) };
    });
    const err = await failing(deploy(h.options()));
    jest.restoreAllMocks();
    assert.equal(err.message, "cannot write state/local/outputs.json: no space left on the device; free some space (ENOSPC), then run the same command again");
    assert.equal(readFileSync(outputsFile, "utf8"), before, "never a torn or empty outputs.json");
    assertClean(h);
    h.hooks.clear();
    await deploy(h.options());
  });

  it("a read-only state folder: one line naming the file, nothing run; writable again, the re-run succeeds", async () => {
    const open = fsModule.openSync;
    jest.spyOn(fsModule, "openSync").mockImplementation(((path: fs.PathLike, ...rest: unknown[]) => {
      if (String(path).includes(`${h.root}/state/`))
        throw Object.assign(new Error(`EROFS: read-only file system, open '${String(path)}'`), { code: "EROFS", syscall: "open", path: String(path) });
      return (open as (...a: unknown[]) => number)(path, ...rest);
    }) as typeof fs.openSync);
    const calls = h.calls.length;
    const err = await failing(deploy(h.options()));
    jest.restoreAllMocks();
    assert.equal(err.message, "cannot write state/local/deploy.lock: the file system is read-only; make it writable (EROFS), then run the same command again");
    assert.deepEqual(
      h.calls.slice(calls).filter((c) => c.cmd === "terraform"),
      [],
      "nothing ran without the lock",
    );
    await deploy(h.options());
    assertClean(h);
  });
});

describe("one run per environment", () => {
  it("while a deploy runs, a second deploy and a synth are refused naming it, and the deploy applies its own snapshot whatever happens to dist/", async () => {
    const pause = pausedApply();
    h.hooks.set("terraform apply", pause.hook);
    const applied: string[] = [];
    h.hooks.set("kubectl apply file", (call) => {
      const file = call.args[call.args.indexOf("-f") + 1]!;
      applied.push(file);
      // Someone rewrites dist/local behind the deploy's back while it applies.
      for (const f of fs.readdirSync(join(h.root, "dist/local"))) writeFileSync(join(h.root, "dist/local", f), "kind: Tampered\n");
      assert.doesNotMatch(readFileSync(file, "utf8"), /Tampered/, `${file} changed under the deploy`);
      return undefined;
    });
    const running = deploy(h.options());
    await pause.reached;

    const calls = h.calls.length;
    const second = await failing(deploy(h.options()));
    assert.match(second.message, /^cannot deploy local: deploy \(pid \d+, started [^)]+\) is running and holds state\/local\/deploy\.lock/);
    assert.deepEqual(
      h.calls.slice(calls).filter((c) => c.cmd === "terraform"),
      [],
      "the second run touched nothing",
    );

    const tf = readFileSync(join(h.root, "cdktf.out/stacks/local/cdk.tf.json"), "utf8");
    assert.throws(
      () => synthesize(h.options().configs, { root: h.root }),
      (e: unknown) =>
        e instanceof UserError &&
        /^refusing to synthesize: local is locked by deploy \(pid \d+/.test(e.message) &&
        /cdktf\.out\/stacks\/local and dist\/local/.test(e.message),
    );
    assert.equal(readFileSync(join(h.root, "cdktf.out/stacks/local/cdk.tf.json"), "utf8"), tf, "synth changed nothing");

    pause.release();
    await running;
    const ours = applied.filter((f) => f.endsWith(".k8s.yaml"));
    assert.ok(ours.length > 3);
    for (const f of ours) assert.match(f, /\/state\/local\/runs\/[^/]+\/\d\d-[^/]+\.k8s\.yaml$/);
    assertClean(h);
  });
});

describe("secret values never reach an error", () => {
  it("kubectl echoing a rejected Secret (plain and base64), and a tool echoing a cloud key, are redacted", async () => {
    h.hooks.set("kubectl apply stdin", (call) => {
      if (!call.input?.includes('"kind":"Secret"') || !call.input.includes("oauth2-proxy")) return undefined;
      return {
        code: 1,
        stderr: `The Secret "oauth2-proxy" is invalid: data[client-secret]: "${Buffer.from(CLIENT_SECRET).toString("base64")}" (${CLIENT_SECRET}) rejected\n`,
      };
    });
    const err = await failing(deploy(h.options()));
    assert.match(err.message, /creating Secret faas\/oauth2-proxy failed/);
    assert.ok(!err.message.includes(CLIENT_SECRET) && !err.message.includes(Buffer.from(CLIENT_SECRET).toString("base64")), err.message);
    assert.match(err.message, /<redacted>/);

    h.hooks.clear();
    h.hooks.set("VBoxManage", () => ({ code: 1, stderr: `VBoxManage: error: environment dump ALICLOUD_SECRET_KEY=${CLOUD_SECRET}\n` }));
    const vbox = await failing(deploy(h.options()));
    assert.match(vbox.message, /VBoxManage list hostonlyifs` failed/);
    assert.ok(!vbox.message.includes(CLOUD_SECRET), vbox.message);
  });

  it("a generated NATS password echoed back by kubectl is redacted too, and a Secret read that is not JSON is not echoed", async () => {
    let password = "";
    h.hooks.set("kubectl apply stdin", (call) => {
      const m = /"kind":"Secret".*"name":"nats-credentials"/.test(call.input ?? "") ? /"data":\{"[^"]+":"([^"]+)"/.exec(call.input!) : null;
      if (!m) return undefined;
      password = Buffer.from(m[1]!, "base64").toString("utf8");
      return { code: 1, stderr: `error: ${password} rejected\n` };
    });
    const err = await failing(deploy(h.options()));
    assert.ok(password.length > 20);
    assert.ok(!err.message.includes(password), err.message);

    h.hooks.clear();
    const cookieLike = "c2VjcmV0LXBhc3N3b3JkLWZyb20tdGhlLWNsdXN0ZXI";
    h.hooks.set("kubectl get secret", () => ({ stdout: `{"data": {"x": "${cookieLike}"` }));
    const garbled = await failing(deploy(h.options()));
    assert.match(garbled.message, /reading Secret faas\/[a-z0-9-]+ gave \d+ bytes that are not the expected JSON/);
    assert.ok(!garbled.message.includes(cookieLike));
    h.hooks.clear();
    await deploy(h.options());
  });
});
