/**
 * Bad input never ends in a stack trace (commands run in-process, as their entry scripts run them): an unreadable `--secrets-file`, a corrupt
 * `state/<env>/outputs.json` (diagram reads it; synth takes outputs as an argument), and `kubectl get nodes`
 * answering with something that is not a NodeList.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf } from "../support/requires";
import { waitForNodes } from "../../src/deploy/cluster-wait";
import { Kubectl } from "../../src/deploy/kubectl";
import { memoryReporter } from "../../src/deploy/reporter";
import { UserError } from "../../src/errors";
import { readStackOutputs } from "../../src/synth/stack-outputs";
import { deployMain } from "../../src/cli/commands/deploy";
import { diagramMain } from "../../src/cli/commands/diagram";
import { synthMain } from "../../src/cli/commands/synth";
import { type CommandMain, memoryIo, runCommand } from "../../src/cli/io";
import { processRunner, type Runner } from "../../src/deploy/runner";
import { configFile, scratchDir } from "../support/cli";
import { writeDefaultBox } from "../support/box";
import { configWithPinnedImages, fakeClock, fakeRunner, hostOnlyList, stubBin } from "./fakes";

const COOKIE = "0123456789abcdef0123456789abcdef";
const TOOLS = { terraform: "", kubectl: "", VBoxManage: `printf '%s' '${hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }])}'`, xorriso: "" };
const NO_FRAMES = /^\s+at /m;

/** An in-process deploy of local with `--secrets-file <file>`, tools stubbed on PATH. */
async function deployWithSecretsFile(file: string, extraEnv: Record<string, string> = {}) {
  const root = scratchDir();
  writeDefaultBox(root);
  const path = stubBin(TOOLS);
  // Provider sign-in (the file matters) and pinned images (not what these tests are about).
  const config = configFile(configWithPinnedImages({ local: { faas: { oauth2Proxy: { signIn: "provider" } } } }));
  const io = memoryIo(
    {
      PATH: path,
      HOME: scratchDir("clusterkit-home-"),
      CLUSTERKIT_CONFIG: config,
      OAUTH2_PROXY_CLIENT_ID: "id",
      OAUTH2_PROXY_CLIENT_SECRET: "secret",
      OAUTH2_PROXY_COOKIE_SECRET: COOKIE,
      ...extraEnv,
    },
    root,
  );
  const runner: Runner = { run: (cmd, args, o = {}) => processRunner.run(cmd, args, { ...o, env: { PATH: path, ...o.env } }) };
  const status = await runCommand((a, i) => deployMain(a, i, { runner }), ["local", "--secrets-file", file], io);
  return { status, stderr: io.stderr() };
}

async function run(main: CommandMain, argv: string[], root: string) {
  const io = memoryIo({}, root);
  return { status: await runCommand(main, argv, io), stderr: io.stderr() };
}

/** A scratch root whose state/<env>/outputs.json holds `content`. */
function rootWithOutputs(env: string, content: string): string {
  const root = scratchDir();
  mkdirSync(join(root, "state", env), { recursive: true });
  writeFileSync(join(root, "state", env, "outputs.json"), content);
  return root;
}

describe("--secrets-file that cannot be read", () => {
  it("a folder: a clear refusal, no stack trace", async () => {
    const r = await deployWithSecretsFile(scratchDir());
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /clusterkit: cannot deploy local: 1 problem found before anything was created/);
    assert.match(r.stderr, /cannot read --secrets-file .*: it is a folder, not a file/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
  });

  itIf(
    process.getuid?.() === 0 ? "running as root: every file is readable, EACCES cannot happen" : undefined,
    "a file without read permission: a clear refusal, no stack trace",
    async () => {
      const file = join(scratchDir(), "secrets.env");
      writeFileSync(file, "OAUTH2_PROXY_CLIENT_ID=x\n");
      chmodSync(file, 0o000);
      const r = await deployWithSecretsFile(file);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cannot read --secrets-file .*: permission denied/);
      assert.doesNotMatch(r.stderr, NO_FRAMES);
    },
  );
});

describe("corrupt state/<env>/outputs.json", () => {
  it("npm run synth does not read it (outputs are an argument of synthesis): it succeeds with the placeholders", async () => {
    const root = rootWithOutputs("ack-managed", "not json");
    const r = await run(synthMain, ["ack-managed"], root);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(root, "dist", "ack-managed", "40-storage.k8s.yaml"), "utf8"), /nas-mount-target\.not-deployed\.invalid/);
  });

  it("npm run diagram (which draws the recorded outputs) names the file and the fix instead of a SyntaxError", async () => {
    const r = await run(diagramMain, ["local"], rootWithOutputs("local", '{"truncated": {"val'));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /clusterkit: cannot read the stack outputs state\/local\/outputs\.json/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
  });

  it("refuses JSON that is not an object of outputs, and treats a null value as not provided", () => {
    assert.throws(
      () => readStackOutputs(rootWithOutputs("ack-managed", "[1,2]"), "ack-managed"),
      (e: unknown) => e instanceof UserError && /expected a JSON object of outputs .* found an array/.test(e.message),
    );
    const outputs = readStackOutputs(
      rootWithOutputs("ack-managed", JSON.stringify({ nas_server: { value: null }, nas_path: { value: "/" }, ids: { value: ["a"] } })),
      "ack-managed",
    );
    assert.deepEqual(outputs, { nas_path: "/", ids: '["a"]' }, "null is missing (the placeholder and its warning apply), never the string 'null'");
  });
});

describe("kubectl get nodes answering garbage", () => {
  it("is a 'not yet' the wait reports, then a bounded give-up naming it, never a crash", async () => {
    const runner = fakeRunner(() => ({ stdout: "<html>502 Bad Gateway</html>" }));
    const kubectl = new Kubectl(runner, "/k/kubeconfig");
    const { nodes, error } = await kubectl.nodes();
    assert.deepEqual(nodes, []);
    assert.match(error ?? "", /unexpected output from kubectl get nodes \(not JSON\): <html>502 Bad Gateway/);
    const reporter = memoryReporter();
    await assert.rejects(
      waitForNodes(kubectl, 3, true, { attempts: 3, intervalMs: 1000, timeoutMs: 60_000 }, fakeClock(), reporter),
      (e: unknown) => e instanceof UserError && /gave up waiting for 3 nodes Ready after 3 attempts/.test(e.message) && /not JSON/.test(e.message),
    );
    assert.equal(
      (
        await new Kubectl(
          fakeRunner(() => ({ stdout: '{"items": 5}' })),
          "/k",
        ).nodes()
      ).error,
      "unexpected output from kubectl get nodes (no item list)",
    );
  });
});

describe("user-given relative paths", () => {
  it("--secrets-file resolves from the folder npm was run in (INIT_CWD), not the project root", async () => {
    const userDir = scratchDir("clusterkit-user-");
    // An invalid line makes the file's use visible: the refusal quotes its resolved path and line.
    writeFileSync(join(userDir, "my-secrets.env"), "this is not KEY=VALUE\n");
    const r = await deployWithSecretsFile("my-secrets.env", { INIT_CWD: userDir });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(`${join(userDir, "my-secrets.env")}:1: expected KEY=VALUE`), r.stderr);
    assert.doesNotMatch(r.stderr, /does not exist/);
  });
});
