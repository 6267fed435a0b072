/**
 * The fake API server answers like the real one where the middleware's proofs rely on it: RBAC
 * computed from the synthesized Role (a removed rule becomes a 403), the API's Status bodies,
 * Pod Security `restricted`, schema validation and authentication.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { apiFailure } from "../../service/middleware/kube";
import { FakeKubeApi } from "../support/fake-kube/server";
import { scriptedRunner } from "../support/fake-kube/scripted";
import { itIf, missingTools } from "../support/requires";
import { environment, find, synthFaas } from "../faas/fixtures";

const skip = missingTools(["openssl"], "apt-get install openssl");
const env = environment("local");
const objects = synthFaas(env).all;
const EXEC = env.config.faas.executorNamespace;
const SVC = env.config.faas.namespace;
let api: FakeKubeApi;
let core: CoreV1Api;

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return apiFailure(err);
  }
  throw new Error("the call succeeded");
};

function podFromTemplate(name: string): V1Pod {
  const t = find(objects, "PodTemplate", "executor-go", EXEC);
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels: t.template.metadata.labels }, spec: structuredClone(t.template.spec) };
}

describe("fake Kubernetes API server", () => {
  beforeAll(async () => {
    if (skip) return;
    api = await FakeKubeApi.start({ objects, runner: scriptedRunner(() => ({ end: { kind: "waiting", reason: "ContainerCreating" } })) });
    core = api.kubeConfig().makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await api?.stop();
  });

  itIf(skip, "refuses what the Role does not grant with the API server's 403 Status", async () => {
    const f1 = await failure(core.listNamespacedSecret({ namespace: EXEC }));
    assert.deepEqual(f1, {
      code: 403,
      reason: "Forbidden",
      message: `secrets is forbidden: User "system:serviceaccount:${SVC}:middleware" cannot list resource "secrets" in API group "" in the namespace "${EXEC}"`,
    });
    assert.equal((await failure(core.listNamespacedPod({ namespace: SVC }))).code, 403, "pods of the service namespace");
    assert.equal((await failure(core.createNamespacedPodTemplate({ namespace: EXEC, body: { metadata: { name: "x" } } }))).code, 403);
    assert.equal((await failure(core.listNamespacedPodTemplate({ namespace: EXEC }))).code, 403, "templates by name only");
    assert.equal((await failure(core.readNamespacedPodTemplate({ namespace: EXEC, name: "other" }))).code, 403);
    assert.equal((await failure(core.patchNamespacedPod({ namespace: EXEC, name: "p", body: {} }))).code, 403);
    assert.equal((await failure(core.deleteCollectionNamespacedPod({ namespace: EXEC }))).code, 403);
    assert.match(
      (await failure(core.connectGetNamespacedPodExec({ namespace: EXEC, name: "p", command: "sh" }))).message,
      /cannot get resource "pods\/exec"|cannot create resource "pods\/exec"/,
    );
    assert.equal((await failure(core.listNamespace())).code, 403);
    // What it grants works.
    assert.equal((await core.readNamespacedPodTemplate({ namespace: EXEC, name: "executor-go" })).metadata?.name, "executor-go");
    assert.deepEqual((await core.listNamespacedPod({ namespace: EXEC })).items, []);
  });

  itIf(skip, "computes the grants from the Role it is given: drop a rule and its call is refused", async () => {
    const role = find(objects, "Role", "executor-launcher", EXEC);
    const narrowed = objects.map((o) =>
      o === role ? { ...role, rules: role.rules.filter((r: { resources: string[] }) => !r.resources.includes("pods/log")) } : o,
    );
    const other = await FakeKubeApi.start({ objects: narrowed, runner: scriptedRunner(() => ({ end: { kind: "waiting", reason: "x" } })) });
    try {
      const c = other.kubeConfig().makeApiClient(CoreV1Api);
      await c.createNamespacedPod({ namespace: EXEC, body: podFromTemplate("job-rbac") });
      const f = await failure(c.readNamespacedPodLog({ namespace: EXEC, name: "job-rbac", container: "report" }));
      assert.equal(f.code, 403);
      assert.match(f.message, /cannot get resource "pods\/log"/);
    } finally {
      await other.stop();
    }
  });

  itIf(skip, "admits the executor template's Pod, and refuses Pods that break restricted, the schema, or repeat a name", async () => {
    await core.createNamespacedPod({ namespace: EXEC, body: podFromTemplate("job-ok") });
    const again = await failure(core.createNamespacedPod({ namespace: EXEC, body: podFromTemplate("job-ok") }));
    assert.deepEqual([again.code, again.reason], [409, "AlreadyExists"]);
    const privileged = podFromTemplate("job-priv");
    privileged.spec!.containers[0]!.securityContext = { ...privileged.spec!.containers[0]!.securityContext, privileged: true, allowPrivilegeEscalation: true };
    const ps = await failure(core.createNamespacedPod({ namespace: EXEC, body: privileged }));
    assert.equal(ps.code, 403);
    assert.match(ps.message, /violates PodSecurity "restricted:latest": .*privileged.*allowPrivilegeEscalation/);
    const invalid = podFromTemplate("job-invalid");
    (invalid.spec as unknown as Record<string, unknown>).restartPolicy = "Sometimes";
    assert.equal((await failure(core.createNamespacedPod({ namespace: EXEC, body: invalid }))).code, 422);
    const big = podFromTemplate("job-big");
    big.metadata!.annotations = { "faas.clusterkit.io/source": "x".repeat(300 * 1024) };
    assert.match((await failure(core.createNamespacedPod({ namespace: EXEC, body: big }))).message, /annotations: Too long/);
  });

  itIf(skip, "requires the ServiceAccount's token", async () => {
    const anon = api.kubeConfig("wrong-token").makeApiClient(CoreV1Api);
    assert.equal((await failure(anon.listNamespacedPod({ namespace: EXEC }))).code, 401);
  });
});
