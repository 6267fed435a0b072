/**
 * The real process runner: time limits stop the whole process group (a grandchild holding the
 * output open cannot outlive them), each tool gets only the environment it needs, and a stop request
 * is forwarded in the tool's clean-stop signal, then escalated only after its grace period.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { childEnvironment } from "../../src/deploy/child-env";
import { Interruption } from "../../src/deploy/interrupt";
import { createProcessRunner } from "../../src/deploy/runner";
import { scratchDir } from "../support/cli";
import { itIf } from "../support/requires";
import { stubBin } from "./fakes";

const POSIX = process.platform === "win32" ? "process groups and sh are POSIX" : undefined;

/** Whether `pid` still runs (a zombie waiting to be reaped by init does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("time limits", () => {
  itIf(POSIX, "stop the whole process group: the grandchild dies too, and the call returns at once", async () => {
    const dir = scratchDir();
    const started = Date.now();
    const r = await createProcessRunner().run("sh", ["-c", `sleep 30 & echo $! > '${dir}/grandchild'; sleep 30`], { timeoutMs: 300 });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(r.code, 128);
    assert.match(r.stderr, /sh: killed by SIGTERM at its time limit of 300ms/);
    const grandchild = Number(readFileSync(join(dir, "grandchild"), "utf8"));
    assert.ok(await eventually(() => !alive(grandchild)), "the grandchild was left running");
  });

  itIf(
    POSIX,
    "a command whose child keeps the output open after it exits cannot hang the call",
    async () => {
      const dir = scratchDir();
      const started = Date.now();
      const r = await createProcessRunner().run("sh", ["-c", `sleep 30 & echo $! > '${dir}/grandchild'; echo done; exit 0`], {});
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, "done\n");
      assert.ok(await eventually(() => !alive(Number(readFileSync(join(dir, "grandchild"), "utf8")))));
    },
    15_000,
  );
});

describe("minimal child environments", () => {
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: "/home/u",
    LANG: "C.UTF-8",
    HTTPS_PROXY: "http://proxy:3128",
    ALICLOUD_ACCESS_KEY: "LTAI",
    ALICLOUD_SECRET_KEY: "cloud-secret",
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: "cloud-secret-2",
    TF_LOG: "debug",
    OAUTH2_PROXY_CLIENT_SECRET: "oauth-secret",
    OAUTH2_PROXY_COOKIE_SECRET: "cookie-secret",
    KUBECONFIG: "/elsewhere",
    AWS_SECRET_ACCESS_KEY: "unrelated",
  };

  it("cloud keys reach terraform, not kubectl or VBoxManage; Secret values reach no tool", () => {
    const tf = childEnvironment("terraform", env);
    assert.equal(tf.ALICLOUD_SECRET_KEY, "cloud-secret");
    assert.equal(tf.ALIBABA_CLOUD_ACCESS_KEY_SECRET, "cloud-secret-2");
    assert.equal(tf.TF_LOG, "debug");
    assert.equal(tf.HTTPS_PROXY, "http://proxy:3128");
    for (const tool of ["terraform", "kubectl", "VBoxManage", "/usr/local/bin/kubectl", "xorriso"]) {
      const got = childEnvironment(tool, env);
      assert.equal(got.PATH, "/usr/bin:/bin", tool);
      assert.equal(got.HOME, "/home/u", tool);
      for (const name of ["OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET", "AWS_SECRET_ACCESS_KEY", "KUBECONFIG"])
        assert.equal(got[name], undefined, `${tool} must not see ${name}`);
      if (!tool.endsWith("terraform"))
        for (const name of ["ALICLOUD_SECRET_KEY", "ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"])
          assert.equal(got[name], undefined, `${tool} must not see ${name}`);
    }
  });

  itIf(POSIX, "the real runner starts kubectl with that environment", async () => {
    const bin = stubBin({ kubectl: "env" });
    const r = await createProcessRunner({ env: { ...env, PATH: `${bin}:/usr/bin:/bin` } }).run("kubectl", [], { env: { EXTRA: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^EXTRA=1$/m);
    assert.match(r.stdout, /^HOME=\/home\/u$/m);
    assert.doesNotMatch(r.stdout, /SECRET|ALICLOUD|OAUTH2|KUBECONFIG/);
  });
});

describe("stop requests", () => {
  const TRAPPING = `trap 'echo got-int; exit 5' INT; trap 'echo got-term; exit 6' TERM; echo ready; while :; do sleep 0.05; done`;

  itIf(POSIX, "are forwarded to the running command in its clean-stop signal, which is then waited for", async () => {
    const interruption = new Interruption();
    const runner = createProcessRunner({ interruption });
    const r = await runner.run("sh", ["-c", TRAPPING], {
      stop: { signal: "SIGINT", graceMs: 10_000 },
      onOutput: (c) => c.includes("ready") && interruption.raise("SIGTERM"),
    });
    assert.equal(r.code, 5);
    assert.match(r.stdout, /got-int/);
    assert.doesNotMatch(r.stdout, /got-term/);
    assert.equal(r.interrupted, "SIGTERM");
    const after = await runner.run("sh", ["-c", "echo should-not-run"]);
    assert.equal(after.code, 130);
    assert.equal(after.stdout, "");
    assert.match(after.stderr, /not started: interrupted by SIGTERM/);
  });

  itIf(POSIX, "a command that ignores its stop signal is killed after the grace period, and says so", async () => {
    const interruption = new Interruption();
    const dir = scratchDir();
    writeFileSync(join(dir, "ignore.sh"), "trap '' INT; echo ready; while :; do sleep 0.05; done\n");
    const r = await createProcessRunner({ interruption }).run("sh", [join(dir, "ignore.sh")], {
      stop: { signal: "SIGINT", graceMs: 300 },
      onOutput: (c) => c.includes("ready") && interruption.raise("SIGINT"),
    });
    assert.equal(r.code, 128);
    assert.match(r.stderr, /did not stop within 300ms of SIGINT; killed/);
  });
});
