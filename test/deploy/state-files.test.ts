/**
 * The pieces deploy's fault handling rests on: the environment lock, atomic writes, the redactor,
 * and kubectl output that does not fit (garbage never becomes a TypeError or an echoed secret).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { accessSummary } from "../../src/deploy/access";
import { Kubectl } from "../../src/deploy/kubectl";
import { acquireLock, lockHolder } from "../../src/deploy/lock";
import { Redactor } from "../../src/deploy/redact";
import { memoryReporter } from "../../src/deploy/reporter";
import { kubectlSecretReader } from "../../src/deploy/secret-values";
import { writeFileAtomic } from "../../src/deploy/state-files";
import { podProblems, waitForWorkloads } from "../../src/deploy/workload-wait";
import { defaultConfigs } from "../../src/config/defaults";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { fakeClock, fakeRunner } from "./fakes";

describe("the environment lock", () => {
  it("is exclusive, names its holder, is released only by its owner, and a stale one is taken over", () => {
    const root = scratchDir();
    const first = acquireLock(root, "local", "deploy");
    assert.equal(lockHolder(root, "local")?.token, first.info.token);
    assert.throws(
      () => acquireLock(root, "local", "destroy"),
      (e: unknown) => e instanceof UserError && /^cannot destroy local: deploy \(pid \d+, started /.test(e.message),
    );
    first.release();
    assert.equal(lockHolder(root, "local"), undefined);
    const second = acquireLock(root, "local", "destroy");
    first.release(); // not the owner any more: must not remove the second run's lock
    assert.ok(existsSync(join(root, "state/local/deploy.lock")));
    second.release();

    const dead = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    writeFileSync(
      join(root, "state/local/deploy.lock"),
      JSON.stringify({ pid: dead, host: hostname(), command: "deploy", started: "2020-01-01T00:00:00.000Z", token: "stale" }),
    );
    assert.equal(lockHolder(root, "local"), undefined, "a dead holder holds nothing");
    acquireLock(root, "local", "deploy").release();
    assert.deepEqual(readdirSync(join(root, "state/local")).join(","), "", "no lock or temporary file left");
  });

  it("a lock it cannot read is not taken over silently", () => {
    const root = scratchDir();
    mkdirSync(join(root, "state/local"), { recursive: true });
    writeFileSync(join(root, "state/local/deploy.lock"), "");
    assert.throws(() => acquireLock(root, "local", "deploy"), /deploy\.lock exists but cannot be read as a clusterkit lock/);
  });
});

describe("atomic writes", () => {
  it("replace the file whole, owner-only, and a failure leaves the old file and no temporary one", () => {
    const dir = scratchDir();
    const file = join(dir, "outputs.json");
    writeFileAtomic(file, "old\n");
    writeFileAtomic(file, "new\n");
    assert.equal(readFileSync(file, "utf8"), "new\n");
    // A target that cannot be replaced (a folder in its place): the write fails, nothing else changes.
    mkdirSync(join(dir, "blocked"));
    assert.throws(
      () => writeFileAtomic(join(dir, "blocked"), "x"),
      (e: unknown) => (e as NodeJS.ErrnoException).path === join(dir, "blocked"),
    );
    assert.deepEqual(readdirSync(dir).sort().join(","), "blocked,outputs.json");
  });
});

describe("the redactor", () => {
  it("removes each secret in plain, base64 and JSON-escaped form, longest first, and ignores short values", () => {
    const r = new Redactor();
    r.add('s3cr3t-"quoted"-value');
    r.add("short");
    r.addEnvironment({ ALICLOUD_SECRET_KEY: "cloud-key-1234567", CLUSTERKIT_REGISTRY_PASSWORD: "registry-pass-987", PATH: "/usr/bin:/bin:/usr/local/bin" });
    const b64 = Buffer.from('s3cr3t-"quoted"-value').toString("base64");
    const text = `a s3cr3t-"quoted"-value b ${b64} c s3cr3t-\\"quoted\\"-value d cloud-key-1234567 e short f /usr/bin:/bin:/usr/local/bin g registry-pass-987`;
    assert.equal(r.redact(text), "a <redacted> b <redacted> c <redacted> d <redacted> e short f /usr/bin:/bin:/usr/local/bin g <redacted>");
  });
});

describe("kubectl output that does not fit", () => {
  const GARBAGE = [
    "",
    "<html>502</html>",
    "null",
    "[]",
    "5",
    '"x"',
    "{}",
    '{"items": 5}',
    '{"items": [null]}',
    '{"items": [{"metadata": 5}]}',
    '{"metadata": null}',
    '{"data": [1]}',
    '{"status": {"replicas": "many"}}',
  ];

  it("never throws a TypeError anywhere deploy reads it", async () => {
    const config = defaultConfigs();
    for (const stdout of GARBAGE) {
      const kubectl = new Kubectl(
        fakeRunner(() => ({ stdout })),
        "/k/kubeconfig",
      );
      await kubectl.nodes();
      await podProblems(kubectl, { kind: "Deployment", namespace: "faas", name: "frontend", selector: { app: "x" } });
      await accessSummary({ name: "local", kind: "local", config: config.local }, kubectl, "state/local/kubeconfig");
      await accessSummary({ name: "ack-managed", kind: "ack", config: config["ack-managed"] }, kubectl, "state/ack-managed/kubeconfig");
      const wait = waitForWorkloads(
        [{ kind: "StatefulSet", namespace: "faas", name: "nats", selector: { app: "nats" } }],
        kubectl,
        { attempts: 2, intervalMs: 1, timeoutMs: 100 },
        fakeClock(),
        memoryReporter(),
      );
      await assert.rejects(wait, (e: unknown) => e instanceof UserError, `workload wait on ${JSON.stringify(stdout)}`);
      // A Secret read either yields data or stops with a UserError that does not repeat the output.
      try {
        const data = await kubectlSecretReader(kubectl)("faas", "nats-credentials");
        assert.ok(data === undefined || typeof data === "object");
      } catch (e) {
        assert.ok(
          e instanceof UserError && /gave \d+ bytes that are not the expected JSON/.test(e.message),
          `secret read on ${JSON.stringify(stdout)}: ${String(e)}`,
        );
      }
    }
  });
});
