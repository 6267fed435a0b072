/**
 * Generated Secret keys (NATS passwords) in the deploy step, against a fake kubectl that keeps the
 * Secrets it is given: generated once, kept on re-runs, one value wherever its id appears (the
 * mechanism is checked with an extra spec that shares the middleware's value into a second
 * namespace; the workload itself keeps every NATS password in the service namespace), values only
 * on stdin, and no guessing when the cluster cannot be read.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { faasSecrets, type SecretSpec } from "../../src/contracts/secrets";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { defaultConfigs } from "../../src/config/defaults";
import { type ApplyContext, DEFAULT_APPLY_POLICIES, executePlan } from "../../src/deploy/apply";
import { Kubectl } from "../../src/deploy/kubectl";
import { memoryReporter } from "../../src/deploy/reporter";
import { generateSecretValue, resolveSecrets } from "../../src/deploy/secret-values";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { type Call, fakeClock, fakeRunner, kubectlArgs } from "./fakes";

// Provider sign-in: the oauth2-proxy Secret holds the user's values (local users' are generated, tested below).
const faas = { ...defaultConfigs().local.faas, oauth2Proxy: { ...defaultConfigs().local.faas.oauth2Proxy, signIn: "provider" as const } };
const USER_VALUES = { OAUTH2_PROXY_CLIENT_ID: "id-123", OAUTH2_PROXY_CLIENT_SECRET: "client-secret-value", OAUTH2_PROXY_COOKIE_SECRET: "0123456789abcdef" };

type Store = Map<string, Record<string, string>>;

/** A second Secret holding the same generated value as the middleware's key (the cross-namespace mechanism). */
const SHARED: SecretSpec = {
  namespace: faas.executorNamespace,
  name: "shared-copy",
  keys: [{ key: "middleware-password", generated: "nats-middleware-password", rule: "test copy" }],
};
const SPECS = [...faasSecrets(faas), SHARED];

/** A fake cluster: `apply -f -` of a Secret stores it (base64 data), `get secret` returns it. */
function cluster(store: Store, failGets = false) {
  return fakeRunner((call: Call) => {
    const a = kubectlArgs(call);
    if (a[0] === "apply" && call.input) {
      const obj = JSON.parse(call.input) as { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> };
      if (obj.kind === "Secret") store.set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj.data ?? {});
      return undefined;
    }
    if (a[0] === "-n" && a[2] === "get" && a[3] === "secret") {
      if (failGets) return { code: 1, stderr: "Unable to connect to the server: dial tcp 192.168.60.11:6443: connect: connection refused" };
      const data = store.get(`${a[1]}/${a[4]}`);
      return { stdout: data ? JSON.stringify({ apiVersion: "v1", kind: "Secret", data }) : "" };
    }
    return undefined;
  });
}

function run(store: Store, failGets = false) {
  const runner = cluster(store, failGets);
  const dir = scratchDir();
  writeFileSync(
    join(dir, `${CHART_IDS.faas}.k8s.yaml`),
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${faas.namespace}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${faas.executorNamespace}\n`,
  );
  const ctx: ApplyContext = {
    kubectl: new Kubectl(runner, "/k/kubeconfig"),
    reporter: memoryReporter(),
    clock: fakeClock(),
    root: scratchDir(),
    manifestsDir: dir,
    fetcher: async () => new Uint8Array(),
    expectedNodes: 1,
    policies: DEFAULT_APPLY_POLICIES,
  };
  const { secrets, problems } = resolveSecrets(SPECS, USER_VALUES);
  assert.deepEqual(problems, [], "generated keys need no user input");
  return { runner, promise: executePlan([{ kind: "secrets", secrets }], ctx) };
}

const decoded = (store: Store, id: string) =>
  Object.fromEntries(Object.entries(store.get(id) ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));

describe("generated Secret keys (deploy step)", () => {
  it("generates each NATS password once, with a shared id's value identical in both namespaces", async () => {
    const store: Store = new Map();
    const { runner, promise } = run(store);
    await promise;
    const server = decoded(store, `${faas.namespace}/nats-credentials`);
    const copy = decoded(store, `${faas.executorNamespace}/shared-copy`);
    assert.deepEqual(Object.keys(server).sort(), ["frontend-password", "middleware-password"]);
    assert.deepEqual(Object.keys(copy), ["middleware-password"]);
    assert.equal(copy["middleware-password"], server["middleware-password"]);
    assert.equal(new Set(Object.values(server)).size, 2, "one distinct password per user");
    for (const v of Object.values(server)) assert.match(v, /^k[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url, starting with a letter");
    // Values travel on stdin only.
    const argv = runner.calls.map((c) => c.args.join(" ")).join("\n");
    for (const v of Object.values(server)) assert.ok(!argv.includes(v));
    // The user's oauth2-proxy values are applied untouched.
    assert.equal(decoded(store, `${faas.namespace}/oauth2-proxy`)["client-id"], "id-123");
  });

  it("keeps the values the cluster already holds on a re-run (no rotation)", async () => {
    const store: Store = new Map();
    await run(store).promise;
    const first = { server: decoded(store, `${faas.namespace}/nats-credentials`), copy: decoded(store, `${faas.executorNamespace}/shared-copy`) };
    const { runner, promise } = run(store);
    await promise;
    assert.deepEqual(decoded(store, `${faas.namespace}/nats-credentials`), first.server);
    assert.deepEqual(decoded(store, `${faas.executorNamespace}/shared-copy`), first.copy);
    const gets = runner.calls.map(kubectlArgs).filter((a) => a[2] === "get" && a[3] === "secret");
    assert.deepEqual(
      gets.map((a) => `${a[1]}/${a[4]}`),
      [`${faas.namespace}/nats-credentials`, `${faas.executorNamespace}/shared-copy`],
    );
    assert.ok(gets.every((a) => a.includes("--ignore-not-found")));
  });

  it("repairs a lost copy from the value the other namespace still holds", async () => {
    const store: Store = new Map();
    await run(store).promise;
    const server = decoded(store, `${faas.namespace}/nats-credentials`);
    store.delete(`${faas.executorNamespace}/shared-copy`);
    await run(store).promise;
    assert.equal(decoded(store, `${faas.executorNamespace}/shared-copy`)["middleware-password"], server["middleware-password"]);
  });

  it("stops, creating nothing, when existing Secrets cannot be read (never replaces a password in use)", async () => {
    const store: Store = new Map();
    const { runner, promise } = run(store, true);
    await assert.rejects(promise, (e: unknown) => e instanceof UserError && /reading Secret faas\/nats-credentials failed/.test(e.message));
    assert.equal(store.size, 0);
    assert.ok(!runner.calls.some((c) => c.input?.includes('"kind":"Secret"')));
  });

  it("generates a fresh value each time it is asked", () => {
    assert.notEqual(generateSecretValue(), generateSecretValue());
  });
});
