/**
 * Bad input never ends in a stack trace: an unreadable `--secrets-file`, a corrupt
 * `state/<env>/outputs.json` (synth, deploy and diagram all read it), and `kubectl get nodes`
 * answering with something that is not a NodeList.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf } from "../support/requires";
import { waitForNodes } from "../../src/deploy/cluster-wait";
import { Kubectl } from "../../src/deploy/kubectl";
import { memoryReporter } from "../../src/deploy/reporter";
import { UserError } from "../../src/errors";
import { readStackOutputs } from "../../src/synth/stack-outputs";
import { configFile, runEntry, scratchDir } from "../support/cli";
import { configWithPinnedImages, fakeClock, fakeRunner, hostOnlyList, stubBin } from "./fakes";

const COOKIE = "0123456789abcdef0123456789abcdef";
const TOOLS = { terraform: "", kubectl: "", VBoxManage: `printf '%s' '${hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }])}'`, xorriso: "" };
const NO_FRAMES = /^\s+at /m;

function deployWithSecretsFile(file: string, extraEnv: Record<string, string> = {}) {
  const root = scratchDir();
  mkdirSync(join(root, "boxes"));
  writeFileSync(join(root, "boxes", "ubuntu-24.04-vbox.box"), "box");
  return runEntry("scripts/deploy.ts", ["local", "--secrets-file", file], {
    PATH: stubBin(TOOLS),
    HOME: scratchDir("clusterkit-home-"),
    CLUSTERKIT_ROOT: root,
    // Provider sign-in (the file matters) and pinned images (not what these tests are about).
    CLUSTERKIT_CONFIG: configFile(configWithPinnedImages({ local: { faas: { oauth2Proxy: { signIn: "provider" } } } })),
    OAUTH2_PROXY_CLIENT_ID: "id",
    OAUTH2_PROXY_CLIENT_SECRET: "secret",
    OAUTH2_PROXY_COOKIE_SECRET: COOKIE,
    ...extraEnv,
  });
}

/** A scratch root whose state/<env>/outputs.json holds `content`. */
function rootWithOutputs(env: string, content: string): string {
  const root = scratchDir();
  mkdirSync(join(root, "state", env), { recursive: true });
  writeFileSync(join(root, "state", env, "outputs.json"), content);
  return root;
}

describe("--secrets-file that cannot be read (real CLI)", () => {
  it("a folder: a clear refusal, no stack trace", () => {
    const r = deployWithSecretsFile(scratchDir());
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /clusterkit: cannot deploy local: 1 problem found before anything was created/);
    assert.match(r.stderr, /cannot read --secrets-file .*: it is a folder, not a file/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
  });

  itIf(process.getuid?.() === 0 ? "running as root: every file is readable, EACCES cannot happen" : undefined, "a file without read permission: a clear refusal, no stack trace", () => {
    const file = join(scratchDir(), "secrets.env");
    writeFileSync(file, "OAUTH2_PROXY_CLIENT_ID=x\n");
    chmodSync(file, 0o000);
    const r = deployWithSecretsFile(file);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot read --secrets-file .*: permission denied/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
  });
});

describe("corrupt state/<env>/outputs.json", () => {
  it("npm run synth names the file and the fix instead of a SyntaxError", () => {
    const r = runEntry("src/main.ts", [], { CLUSTERKIT_ROOT: rootWithOutputs("ack-managed", "not json"), CLUSTERKIT_CONFIG: undefined });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /clusterkit: cannot read the stack outputs state\/ack-managed\/outputs\.json: not valid JSON/);
    assert.match(r.stderr, /delete state\/ack-managed\/outputs\.json and run `npm run deploy -- ack-managed` again/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
    assert.doesNotMatch(r.stderr, /SyntaxError/);
  });

  it("npm run diagram does the same", () => {
    const r = runEntry("scripts/diagram.ts", ["local"], { CLUSTERKIT_ROOT: rootWithOutputs("local", "{\"truncated\": {\"val"), CLUSTERKIT_CONFIG: undefined });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /clusterkit: cannot read the stack outputs state\/local\/outputs\.json/);
    assert.doesNotMatch(r.stderr, NO_FRAMES);
  });

  it("refuses JSON that is not an object of outputs, and treats a null value as not provided", () => {
    assert.throws(() => readStackOutputs(rootWithOutputs("ack-managed", "[1,2]"), "ack-managed"), (e: unknown) => e instanceof UserError && /expected a JSON object of outputs .* found an array/.test(e.message));
    const outputs = readStackOutputs(rootWithOutputs("ack-managed", JSON.stringify({ nas_server: { value: null }, nas_path: { value: "/" }, ids: { value: ["a"] } })), "ack-managed");
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
    assert.equal((await new Kubectl(fakeRunner(() => ({ stdout: '{"items": 5}' })), "/k").nodes()).error, "unexpected output from kubectl get nodes (no item list)");
  });
});

describe("user-given relative paths (real CLI)", () => {
  it("--secrets-file resolves from the folder npm was run in (INIT_CWD), not the project root", () => {
    const userDir = scratchDir("clusterkit-user-");
    // An invalid line makes the file's use visible: the refusal quotes its resolved path and line.
    writeFileSync(join(userDir, "my-secrets.env"), "this is not KEY=VALUE\n");
    const r = deployWithSecretsFile("my-secrets.env", { INIT_CWD: userDir });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(`${join(userDir, "my-secrets.env")}:1: expected KEY=VALUE`), r.stderr);
    assert.doesNotMatch(r.stderr, /does not exist/);
  });
});
