/**
 * The apply order against a fake kubectl: upstream installs right before the chart they serve,
 * their waits before the next file, manifests in name order, Secrets before the FaaS chart, the
 * SHA-256 refusal, and bounded retries that give up naming what they waited for.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { defaultConfigs } from "../../src/config/defaults";
import { type UpstreamInstall, upstreamInstallsFor } from "../../src/config/upstream";
import { type ApplyContext, DEFAULT_APPLY_POLICIES, executePlan, isTransient } from "../../src/deploy/apply";
import { Kubectl } from "../../src/deploy/kubectl";
import { planApply } from "../../src/deploy/plan";
import { memoryReporter } from "../../src/deploy/reporter";
import type { ResolvedSecret } from "../../src/deploy/secret-values";
import { sha256, upstreamCachePath } from "../../src/deploy/upstream-cache";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { type Call, fakeClock, fakeRunner, type Handler, kubectlArgs, nodesJson } from "./fakes";

const FILES = Object.values(CHART_IDS).map((id) => `${id}.k8s.yaml`);
const config = defaultConfigs().local;
const bytesFor = (install: UpstreamInstall) => new TextEncoder().encode(`# fake ${install.id}\n`);
/** The real table (ids, order, `before`, waits) with hashes of the fake bytes the test serves. */
const INSTALLS = upstreamInstallsFor(config).map((i) => ({ ...i, sha256: sha256(bytesFor(i)) }));
const COOKIE = "0123456789abcdef0123456789abcdef";
const SECRETS: ResolvedSecret[] = [
  {
    spec: { namespace: "faas", name: "oauth2-proxy", keys: [] },
    data: { "client-id": "id-123", "client-secret": "very-secret-client-secret", "cookie-secret": COOKIE },
  },
];
const NODES = nodesJson([
  { name: "master01", ready: true },
  { name: "worker01", ready: true },
  { name: "worker02", ready: true },
]);

function manifestsDir(): string {
  const dir = scratchDir();
  for (const f of FILES) {
    const ns = f.startsWith(CHART_IDS.faas)
      ? "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: faas\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\n"
      : "";
    writeFileSync(join(dir, f), `${ns}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n`);
  }
  return dir;
}

function context(handler: Handler, fetched: string[] = [], serve: (i: UpstreamInstall) => Uint8Array = bytesFor) {
  const runner = fakeRunner((call) => {
    const a = kubectlArgs(call);
    if (a[0] === "get" && a[1] === "nodes") return handler(call) ?? { stdout: NODES };
    return handler(call);
  });
  const root = scratchDir();
  const reporter = memoryReporter();
  const ctx: ApplyContext = {
    kubectl: new Kubectl(runner, "/k/kubeconfig"),
    reporter,
    clock: fakeClock(),
    root,
    manifestsDir: manifestsDir(),
    fetcher: async (url) => {
      fetched.push(url);
      const install = INSTALLS.find((i) => i.url === url)!;
      return serve(install);
    },
    expectedNodes: 3,
    policies: { ...DEFAULT_APPLY_POLICIES, apply: { attempts: 4, intervalMs: 1000, timeoutMs: 60_000 } },
  };
  return { runner, ctx, reporter, root };
}

/** A readable label per kubectl call: `apply <file>`, `wait crd/...`, `get nodes`, `stdin Secret`. */
function label(call: Call): string {
  const a = kubectlArgs(call);
  if (a[0] === "apply") {
    if (a.includes("-")) return `stdin ${(JSON.parse(call.input ?? "{}") as { kind?: string }).kind}`;
    const file = a[a.indexOf("-f") + 1]!;
    return `apply ${file.split("/").pop()}${a.includes("--server-side") ? " (server-side)" : ""}`;
  }
  if (a[0] === "-n" && a[2] === "wait") return `wait ${a[1]}/${a[4]}`;
  if (a[0] === "wait") return `wait ${a[2]}`;
  return a.slice(0, 2).join(" ");
}

const plan = () => planApply({ files: FILES, installs: INSTALLS, secrets: { values: SECRETS, before: CHART_IDS.faas }, nodesReadyAfter: CHART_IDS.cni });
const indexOf = (labels: string[], l: string) => {
  const i = labels.indexOf(l);
  assert.notEqual(i, -1, `${l} in\n${labels.join("\n")}`);
  return i;
};

describe("apply order (fake kubectl)", () => {
  it("applies the Calico operator before 10-cni and MetalLB before 30-metallb-config, waiting for its controller in between", async () => {
    const { runner, ctx } = context(() => undefined);
    await executePlan(plan(), ctx);
    const labels = runner.calls.map(label);
    const calico = INSTALLS.filter((i) => i.before === CHART_IDS.cni);
    assert.ok(calico.length >= 1, "calico is the default CNI");
    for (const c of calico) assert.ok(indexOf(labels, `apply ${c.id}.yaml (server-side)`) < indexOf(labels, "apply 10-cni.k8s.yaml"));
    const metallb = indexOf(labels, "apply metallb-native-v0.16.1.yaml");
    const controller = indexOf(labels, "wait metallb-system/deploy/controller");
    const crd = indexOf(labels, "wait crd/ipaddresspools.metallb.io");
    const config30 = indexOf(labels, "apply 30-metallb-config.k8s.yaml");
    assert.ok(metallb < crd && crd < config30, "CRD Established before the pool is applied");
    assert.ok(metallb < controller && controller < config30, "controller Available before the pool is applied");
    assert.ok(indexOf(labels, "apply 20-metrics-server.k8s.yaml") < metallb, "MetalLB goes right before 30-, not earlier");
  });

  it("applies our manifests in name order, with every node Ready after the CNI", async () => {
    const { runner, ctx } = context(() => undefined);
    await executePlan(plan(), ctx);
    const labels = runner.calls.map(label);
    const applied = labels.filter((l) => l.endsWith(".k8s.yaml")).map((l) => l.replace("apply ", ""));
    assert.deepEqual(applied, [...FILES].sort());
    const nodes = indexOf(labels, "get nodes");
    assert.ok(indexOf(labels, "apply 10-cni.k8s.yaml") < nodes && nodes < indexOf(labels, "apply metallb-native-v0.16.1.yaml"));
  });

  it("creates the Secret through stdin before 60-faas, in the chart's own Namespace, with no value on any command line", async () => {
    const { runner, ctx } = context(() => undefined);
    await executePlan(plan(), ctx);
    const labels = runner.calls.map(label);
    const ns = indexOf(labels, "stdin Namespace");
    const secret = indexOf(labels, "stdin Secret");
    assert.ok(ns < secret && secret < indexOf(labels, "apply 60-faas.k8s.yaml"));
    const nsObj = JSON.parse(runner.calls[ns]!.input!) as { metadata: { labels?: Record<string, string> } };
    assert.equal(nsObj.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted", "Namespace taken from the chart, labels included");
    const obj = JSON.parse(runner.calls[secret]!.input!) as { metadata: { namespace: string; name: string }; data: Record<string, string> };
    assert.deepEqual(obj.metadata, { name: "oauth2-proxy", namespace: "faas", labels: { "app.kubernetes.io/managed-by": "clusterkit-deploy" } });
    assert.equal(Buffer.from(obj.data["client-secret"]!, "base64").toString(), "very-secret-client-secret");
    assert.ok(kubectlArgs(runner.calls[secret]!).includes("--server-side"), "no last-applied annotation copying the data");
    for (const c of runner.calls) assert.ok(!c.args.join(" ").includes("very-secret") && !c.args.join(" ").includes(COOKIE), "values never in argv");
  });

  it("downloads each install once and reuses the verified cache on the next run", async () => {
    const fetched: string[] = [];
    const { ctx, root } = context(() => undefined, fetched);
    await executePlan(plan(), ctx);
    assert.equal(fetched.length, INSTALLS.length);
    for (const i of INSTALLS) assert.ok(existsSync(join(root, upstreamCachePath(i))));
    await executePlan(plan(), ctx);
    assert.equal(fetched.length, INSTALLS.length, "second run served from cache");
  });

  it("replaces a cached file whose hash no longer matches", async () => {
    const fetched: string[] = [];
    const { ctx, root } = context(() => undefined, fetched);
    const metallb = INSTALLS.find((i) => i.id.startsWith("metallb"))!;
    mkdirSync(join(root, ".cache", "upstream"), { recursive: true });
    writeFileSync(join(root, upstreamCachePath(metallb)), "tampered");
    await executePlan(plan(), ctx);
    assert.ok(fetched.includes(metallb.url));
  });

  it("refuses a download with the wrong SHA-256, deletes it, and applies nothing after it", async () => {
    const metallb = INSTALLS.find((i) => i.id.startsWith("metallb"))!;
    const evil = new TextEncoder().encode("kind: ClusterRoleBinding # not what was pinned\n");
    const { runner, ctx, root } = context(
      () => undefined,
      [],
      (i) => (i.id === metallb.id ? evil : bytesFor(i)),
    );
    await assert.rejects(executePlan(plan(), ctx), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /refusing MetalLB \(native, L2\) v0\.16\.1/);
      assert.match(err.message, new RegExp(`expected ${metallb.sha256}`));
      assert.match(err.message, new RegExp(`actual   ${sha256(evil)}`));
      return true;
    });
    const labels = runner.calls.map(label);
    assert.ok(labels.includes("apply 20-metrics-server.k8s.yaml"), "steps before it ran");
    assert.ok(
      !labels.some((l) => l.includes("metallb") || l.includes("30-") || l.includes("40-") || l.includes("60-")),
      `nothing after it:\n${labels.join("\n")}`,
    );
    assert.ok(!existsSync(join(root, upstreamCachePath(metallb))) && !existsSync(join(root, `${upstreamCachePath(metallb)}.download`)), "bad file deleted");
  });

  it("gives up on the MetalLB controller after a bounded number of waits, naming it", async () => {
    const { runner, ctx } = context((call) => {
      const a = kubectlArgs(call);
      return a.includes("deploy/controller") ? { code: 1, stderr: "error: timed out waiting for the condition on deployments/controller" } : undefined;
    });
    await assert.rejects(executePlan(plan(), ctx), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /gave up waiting for Deployment metallb-system\/controller Available after 10 attempts/);
      assert.match(err.message, /timed out waiting for the condition/);
      assert.match(err.message, /re-running the same command resumes/);
      return true;
    });
    const labels = runner.calls.map(label);
    assert.equal(labels.filter((l) => l === "wait metallb-system/deploy/controller").length, DEFAULT_APPLY_POLICIES.deployment.attempts);
    assert.ok(!labels.includes("apply 30-metallb-config.k8s.yaml"));
  });

  it("retries a manifest rejected by a webhook that is not answering yet, then succeeds", async () => {
    let rejections = 0;
    const { runner, ctx } = context((call) => {
      const a = kubectlArgs(call);
      if (a[0] === "apply" && a.at(-1)?.endsWith("30-metallb-config.k8s.yaml") && rejections < 2) {
        rejections++;
        return {
          code: 1,
          stderr:
            'Error from server (InternalError): error when creating "30-metallb-config.k8s.yaml": Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": failed to call webhook: Post "https://metallb-webhook-service.metallb-system.svc:443/validate-metallb-io-v1beta1-ipaddresspool?timeout=10s": dial tcp 10.96.12.7:443: connect: connection refused',
        };
      }
      return undefined;
    });
    await executePlan(plan(), ctx);
    assert.equal(runner.calls.map(label).filter((l) => l === "apply 30-metallb-config.k8s.yaml").length, 3);
  });

  it("stops at once on an error retrying cannot fix", async () => {
    const { runner, ctx } = context((call) => {
      const a = kubectlArgs(call);
      return a[0] === "apply" && a.at(-1)?.endsWith("40-storage.k8s.yaml")
        ? { code: 1, stderr: 'The PersistentVolume "nfs" is invalid: spec.capacity: Required value' }
        : undefined;
    });
    await assert.rejects(executePlan(plan(), ctx), /applying 40-storage\.k8s\.yaml failed \(exit 1\)[\s\S]*spec\.capacity: Required value/);
    assert.equal(runner.calls.map(label).filter((l) => l === "apply 40-storage.k8s.yaml").length, 1);
  });

  it("gives up re-applying after the bounded attempts", async () => {
    const { runner, ctx } = context((call) => {
      const a = kubectlArgs(call);
      return a[0] === "apply" && a.at(-1)?.endsWith("30-metallb-config.k8s.yaml")
        ? { code: 1, stderr: 'no endpoints available for service "metallb-webhook-service"' }
        : undefined;
    });
    await assert.rejects(executePlan(plan(), ctx), /gave up waiting for 30-metallb-config\.k8s\.yaml to apply .* after 4 attempts/);
    assert.equal(runner.calls.map(label).filter((l) => l === "apply 30-metallb-config.k8s.yaml").length, 4);
  });

  it("classifies transient kubectl errors", () => {
    assert.ok(isTransient('no matches for kind "IPAddressPool" in version "metallb.io/v1beta1"\nensure CRDs are installed first'));
    assert.ok(!isTransient('error validating data: unknown field "spec.foo"'));
  });
});

describe("apply plan", () => {
  it("puts nothing upstream and no node wait on ACK", () => {
    const steps = planApply({ files: FILES, secrets: { values: SECRETS, before: CHART_IDS.faas } });
    assert.deepEqual(
      steps.map((s) => (s.kind === "manifest" ? s.file : s.kind)),
      [...FILES].sort().flatMap((f) => (f.startsWith(CHART_IDS.faas) ? ["secrets", f] : [f])),
    );
  });

  it("slots an install whose prefix has no file before the next file in order, or at the end", () => {
    const install = { ...INSTALLS[0]!, before: "35-" };
    const steps = planApply({ files: ["10-a.k8s.yaml", "40-b.k8s.yaml"], installs: [install, { ...install, id: "late", before: "99-" }] });
    assert.deepEqual(
      steps.map((s) => (s.kind === "manifest" ? s.file : s.kind === "upstream" ? s.install.id : s.kind)),
      ["10-a.k8s.yaml", install.id, "40-b.k8s.yaml", "late"],
    );
  });
});
