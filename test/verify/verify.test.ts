/**
 * `verify` against a scripted cluster (kubectl answers shaped like the API server's, HTTP behind
 * MetalLB addresses): a healthy cluster passes every check, and each broken property is reported
 * as a failure naming it — pods served from one node only, a page not from the volume, an HPA that
 * never scales, a pod that is not replaced, a job that never finishes, a NetworkPolicy that does
 * not hold — or a skip with the reason where a check cannot apply.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { type Environment } from "../../src/config/schema";
import { Kubectl } from "../../src/deploy/kubectl";
import { memoryReporter } from "../../src/deploy/reporter";
import { parseVerifyArgs } from "../../src/verify/args";
import type { VerifyContext, VerifyPolicies } from "../../src/verify/types";
import { CHECKS, formatReport, helpText, runVerify } from "../../src/verify/verify";
import { runEntry, scratchDir } from "../support/cli";
import { testEnvironment } from "../support/synth-charts";
import { fakeClock } from "../deploy/fakes";
import { fakeCluster, healthyWorld, type World } from "./fake-cluster";

const PASSWORD = "verify-account-password-123";
const FAST: VerifyPolicies = {
  webRequests: 8,
  hpa: { loadSeconds: 60, concurrency: 4, pollMs: 10_000, scaleUpMs: 120_000, scaleDownMs: 400_000 },
  replace: { pollMs: 2_000, timeoutMs: 60_000, maxFailedRequests: 2 },
  jobs: { pollMs: 3_000, timeoutMs: 60_000 },
  probe: { pollMs: 1_000, timeoutMs: 30_000 },
};

function context(world: World, environment: Environment = testEnvironment("local")) {
  const dir = scratchDir();
  const usersFile = join(dir, "sign-in-users.json");
  mkdirSync(dir, { recursive: true });
  writeFileSync(usersFile, JSON.stringify({ users: [{ email: "clusterkit-verify@clusterkit.internal", password: PASSWORD }] }));
  const cluster = fakeCluster(world);
  const reporter = memoryReporter();
  let n = 0;
  const ctx: VerifyContext = {
    environment,
    kubectl: new Kubectl(cluster.runner, "/k/kubeconfig"),
    http: cluster.http,
    load: cluster.load,
    clock: fakeClock(),
    reporter,
    policies: FAST,
    signInUsersFile: usersFile,
    token: () => `t${(++n).toString().padStart(5, "0")}`,
  };
  return { ctx, cluster, reporter };
}

const byId = (report: Awaited<ReturnType<typeof runVerify>>, id: string) => report.checks.find((c) => c.id === id)!;

describe("verify against a healthy cluster", () => {
  it("passes all six checks and reports what it saw", async () => {
    const { ctx, cluster, reporter } = context(healthyWorld(PASSWORD));
    const report = await runVerify(ctx);
    assert.deepEqual(
      report.checks.map((c) => `${c.id}:${c.status}`),
      ["cluster:pass", "web:pass", "hpa:pass", "replace:pass", "jobs:pass", "isolation:pass"],
      formatReport(report),
    );
    assert.equal(report.ok, true);
    assert.match(
      byId(report, "cluster").summary,
      /nodes Ready 3\/3, calico-node 3\/3, CoreDNS 2\/2, web\/web 192\.168\.60\.200, faas\/oauth2-proxy 192\.168\.60\.201/,
    );
    assert.match(byId(report, "web").summary, /2 pods answered/);
    assert.deepEqual(byId(report, "hpa").data?.replicas, [2, 3, 5, 4, 2]);
    assert.match(byId(report, "replace").summary, /replaced by web-7d9c-zzzzz/);
    assert.match(byId(report, "jobs").summary, /go finished, javascript finished, c finished/);
    assert.match(byId(report, "isolation").summary, /nats 10\.96\.30\.30:4222 timeout/);
    // Probe pods are cleaned up, and the probe file is gone with them.
    assert.equal(cluster.probes.size, 0);
    assert.equal(cluster.files.size, 0);
    assert.ok(
      reporter.lines.some((l) => l.startsWith("progress: ")),
      "progress while waiting",
    );
    // The password travels only in the sign-in form, never in argv or the report.
    assert.ok(!cluster.runner.calls.some((c) => c.args.join(" ").includes(PASSWORD)));
    assert.ok(!JSON.stringify(report).includes(PASSWORD));
    const table = formatReport(report);
    assert.match(table, /^PASS {2}1 cluster/m);
    assert.match(table, /6 passed, 0 failed$/);
  });

  it("the probe pods it creates are restricted, bounded and labelled as what they test", async () => {
    const { ctx, cluster } = context(healthyWorld(PASSWORD));
    await runVerify(ctx, ["web", "isolation"]);
    const pods = cluster.runner.calls.filter((c) => c.args.includes("create")).map((c) => JSON.parse(c.input!));
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.ok(pod.spec.activeDeadlineSeconds > 0 && pod.spec.activeDeadlineSeconds <= 180);
      assert.equal(pod.spec.automountServiceAccountToken, false);
      assert.equal(pod.spec.restartPolicy, "Never");
    }
    const [volume, isolation] = pods;
    assert.equal(volume.spec.securityContext.runAsNonRoot, true);
    assert.equal(volume.spec.containers[0].securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(volume.spec.containers[0].securityContext.capabilities, { drop: ["ALL"] });
    assert.equal(isolation.metadata.namespace, "faas-executors");
    assert.equal(isolation.metadata.labels["app.kubernetes.io/name"], "executor", "the executors' NetworkPolicies select it");
    assert.equal(isolation.spec.runtimeClassName, "gvisor");
    assert.deepEqual(isolation.spec.containers[0].resources, { limits: { cpu: "500m", memory: "256Mi" } }, "the run container's limits, what user code gets");
  });
});

describe("verify reports each broken property as a failure", () => {
  const failing = async (change: Partial<World>, id: string, env?: Environment) => {
    const { ctx } = context({ ...healthyWorld(PASSWORD), ...change }, env);
    const report = await runVerify(ctx, [id as never]);
    assert.equal(report.ok, byId(report, id).status !== "fail");
    return byId(report, id);
  };

  it("a NotReady node, a CNI not on every node, no MetalLB address", async () => {
    const r = await failing(
      {
        nodes: [
          { name: "master01", ready: true },
          { name: "worker01", ready: false },
          { name: "worker02", ready: true },
        ],
        cni: { namespace: "calico-system", name: "calico-node", ready: 2, desired: 3 },
        webIp: undefined,
      },
      "cluster",
    );
    assert.equal(r.status, "fail");
    const all = [r.summary, ...(r.details ?? [])].join("\n");
    assert.match(all, /not Ready worker01/);
    assert.match(all, /calico-node ready on 2\/3 nodes/);
    assert.match(all, /web\/web has no MetalLB address/);
  });

  it("the web app answers from one pod only", async () => {
    const r = await failing({ webPods: ["web-7d9c-abcde"] }, "web");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /answers came from 1 pod only \(web-7d9c-abcde ×8\)/);
  });

  it("the page is not the file on the shared volume", async () => {
    const r = await failing({ servesVolume: false }, "web");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /probe file written on the shared volume was not served back \(HTTP 404\)/);
  });

  it("the HPA never scales", async () => {
    const r = await failing({ hpaUnderLoad: [2, 2, 2] }, "hpa");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /the HPA never scaled up: replicas stayed at 2 under load/);
  });

  it("the HPA scales up but never back down", async () => {
    const r = await failing({ hpaAfterLoad: [5, 5, 5] }, "hpa");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /scaled up to 5 but did not return to 2/);
  });

  it("a deleted pod is not replaced", async () => {
    const r = await failing({ replacesPods: false }, "replace");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /was not replaced within 60s/);
  });

  it("a job never reaches a final state", async () => {
    const r = await failing({ jobStatus: undefined }, "jobs");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /go: job \w+ did not reach a final state within 60s/);
    assert.equal(r.details?.length, 2, "javascript and c too");
  });

  it("a job ends in another state", async () => {
    const r = await failing({ jobStatus: "compile-error" }, "jobs");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /go: job \w+ ended compile-error/);
  });

  it("the sign-in is refused", async () => {
    const r = await failing({ password: "another-password" }, "jobs");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /signing in as clusterkit-verify@clusterkit\.internal failed: HTTP 401/);
  });

  it("a NetworkPolicy that does not hold", async () => {
    const r = await failing({ isolation: { nats: "connected", frontend: "timeout", "api-server": "connected", internet: "timeout" } }, "isolation");
    assert.equal(r.status, "fail");
    assert.match(r.summary, /reached nats, api-server: the NetworkPolicy does not hold/);
  });

  it("skips isolation on flannel, saying the isolation is not in effect", async () => {
    const r = await failing({}, "isolation", testEnvironment("local", { cni: "flannel" }));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /flannel, which does not enforce NetworkPolicy: executor isolation is NOT in effect/);
  });

  it("skips the job check with an external provider (no browser to sign in)", async () => {
    const r = await failing({}, "jobs", testEnvironment("local", { faas: { oauth2Proxy: { signIn: "provider" } } }));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /external provider \(google\)/);
  });

  it("a failing check does not hide the others, and any failure fails the report", async () => {
    const { ctx } = context({ ...healthyWorld(PASSWORD), webPods: ["web-only-one"] });
    const report = await runVerify(ctx);
    assert.equal(report.ok, false);
    assert.equal(report.checks.length, 6);
    assert.match(formatReport(report), /^FAIL {2}2 web/m);
    assert.match(formatReport(report), /5 passed, 1 failed$/);
  });
});

describe("verify's command line", () => {
  // In-process: the spawned run below covers the entry point's argv and exit status.
  it("--help explains every check", () => {
    assert.equal(parseVerifyArgs(["local", "--help"]).help, true);
    assert.equal(parseVerifyArgs(["--help"]).help, true);
    const text = helpText();
    for (const [i, c] of CHECKS.entries()) assert.match(text, new RegExp(`${i + 1}\\. ${c.id}: `));
  });

  it("parses --json and --only, and refuses unknown checks and options by name", () => {
    assert.deepEqual(parseVerifyArgs(["local", "--json", "--only", "web,hpa"]), { help: false, environment: "local", json: true, only: ["web", "hpa"] });
    assert.throws(() => parseVerifyArgs(["local", "--only", "web,nope"]), /unknown check 'nope'/);
    assert.throws(() => parseVerifyArgs(["local", "--fast"]), /unknown option --fast/);
  });

  it("without a deployed cluster it says so, without a stack trace", () => {
    const r = runEntry("scripts/verify.ts", ["local"], { CLUSTERKIT_ROOT: scratchDir() });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /clusterkit: no kubeconfig at state\/local\/kubeconfig: deploy local first/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
