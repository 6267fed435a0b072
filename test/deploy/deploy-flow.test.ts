/**
 * The whole deploy against fakes (terraform, kubectl, VBoxManage and downloads): terraform in
 * the stack folder with LANG=C, outputs -> re-synth with them as an argument (recorded in state/<env>/outputs.json), waits with
 * progress, the NAS placeholder refusal on ACK, the closing summary, and a safe re-run.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import type { LocalConfig } from "../../src/config/schema";
import { upstreamInstallsFor } from "../../src/config/upstream";
import { DEFAULT_DEPLOY_POLICIES, deploy, type DeployOptions } from "../../src/deploy/deploy";
import { memoryReporter } from "../../src/deploy/reporter";
import type { RunResult, Runner } from "../../src/deploy/runner";
import { sha256 } from "../../src/deploy/upstream-cache";
import { UserError } from "../../src/errors";
import { hostKeyPath, KNOWN_HOSTS, LAB_KEY, SSH_DIR } from "../../src/contracts/node-access";
import { scratchDir } from "../support/cli";
import { writeDefaultBox } from "../support/box";
import { type Call, fakeClock, fakeRunner, hostOnlyList, kubectlArgs, nodesJson, stubBin, workloadJson } from "./fakes";
import { archivePath, type ImageDelivery, IMAGE_FIELDS } from "../../src/deploy/images";
import type { PushResult } from "../../src/registry/push";
import type { VerifyReport } from "../../src/verify/verify";
import { helloArchive } from "../support/oci-fixture";
import { copyFileSync } from "node:fs";

/** The tag the fake build gives every image. */
const TAG = "0123456789abcdef0123";

/** Service images as this repository builds them, in the environment's registry. */
function builtReferences(environment: DeployOptions["environment"]): Record<string, string> {
  const registry = environment === "local" ? "192.168.60.30:5000/clusterkit" : "registry-vpc.eu-central-1.aliyuncs.com/clusterkit";
  return Object.fromEntries(IMAGE_FIELDS.map((f) => [f.name, `${registry}/${f.name}:${TAG}`]));
}

const COOKIE = "0123456789abcdef0123456789abcdef";
const fakeBytes = (url: string) => new TextEncoder().encode(`# served for ${url}\n`);
const installs = (c: LocalConfig) => upstreamInstallsFor(c).map((i) => ({ ...i, sha256: sha256(fakeBytes(i.url)) }));

interface ClusterScript {
  /** readyz failures before the API answers. */
  readyzFailures?: number;
  /** Polls during which nodes are NotReady (registered only). */
  notReadyPolls?: number;
  outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
  failWaitFor?: string;
  /** Answers `kubectl get deployment|statefulset <name>`. @default rolled out and ready */
  workload?: (kind: string, name: string, call: Call) => Partial<RunResult> | undefined;
  /** Answers `kubectl get pods -l ...`. @default no Pods */
  pods?: (call: Call) => Partial<RunResult> | undefined;
  /** The verify report at the end fails. @default passes */
  verifyFails?: boolean;
}

function setup(environment: DeployOptions["environment"], script: ClusterScript = {}) {
  const root = scratchDir();
  writeDefaultBox(root);
  const configs = defaultConfigs();
  // Real public names: deploy refuses the ACK placeholders (src/deploy/placeholders.ts).
  for (const ack of [configs["ack-managed"], configs["ack-dedicated"]]) {
    ack.webApp.host = "web.acme.io";
    ack.faas.oauth2Proxy.redirectUrl = "https://faas.acme.io/oauth2/callback";
    ack.faas.oauth2Proxy.emailDomains = ["acme.io"];
  }
  const refs = builtReferences(environment);
  for (const c of [configs.local, configs["ack-managed"], configs["ack-dedicated"]]) {
    if (c !== configs[environment]) continue;
    c.faas.frontend.image = refs.frontend!;
    c.faas.middleware.image = refs.middleware!;
    c.faas.executors.images = { go: refs["executor-go"]!, javascript: refs["executor-javascript"]!, c: refs["executor-c"]! };
  }
  const kubeconfigPath = configs[environment].kubeconfigPath;
  let readyz = 0;
  let nodePolls = 0;
  const names = environment === "local" ? ["master01", "worker01", "worker02"] : ["n1", "n2"];
  const runner = fakeRunner((call: Call) => {
    if (call.cmd === "VBoxManage") return { stdout: hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }]) };
    if (call.cmd === "terraform") {
      if (call.args[0] === "apply") {
        mkdirSync(join(root, "state", environment), { recursive: true });
        writeFileSync(join(root, kubeconfigPath), "apiVersion: v1\nkind: Config\n");
      }
      if (call.args[0] === "output") return { stdout: JSON.stringify(script.outputs ?? {}) };
      return undefined;
    }
    const a = kubectlArgs(call);
    if (a[0] === "get" && a[1] === "--raw")
      return readyz++ < (script.readyzFailures ?? 0) ? { code: 1, stderr: "The connection to the server 192.168.60.11:6443 was refused" } : { stdout: "ok" };
    if (a[0] === "get" && a[1] === "nodes") {
      const ready = nodePolls++ >= (script.notReadyPolls ?? 0);
      return { stdout: nodesJson(names.map((name) => ({ name, ready }))) };
    }
    if (a[0] === "get" && a[1] === "svc") {
      return {
        stdout: JSON.stringify({
          items: [
            {
              metadata: { name: "web", namespace: "web" },
              spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
              status: { loadBalancer: { ingress: [{ ip: "192.168.60.200" }] } },
            },
            {
              metadata: { name: "oauth2-proxy", namespace: "faas" },
              spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
              status: { loadBalancer: { ingress: [{ ip: "192.168.60.201" }] } },
            },
          ],
        }),
      };
    }
    if (a[0] === "get" && a[1] === "ingress") return { stdout: JSON.stringify({ items: [] }) };
    if (a[0] === "get" && (a[1] === "deployment" || a[1] === "statefulset")) return script.workload?.(a[1], a[2]!, call) ?? { stdout: workloadJson() };
    if (a[0] === "get" && a[1] === "pods") return script.pods?.(call) ?? { stdout: JSON.stringify({ items: [] }) };
    if (script.failWaitFor && a.includes(script.failWaitFor)) return { code: 1, stderr: "error: timed out waiting for the condition" };
    return undefined;
  });
  const reporter = memoryReporter();
  const fetched: string[] = [];
  /** What happened to images and verify, with the number of runner calls made before it (the order). */
  const events: { what: string; at: number; delivery?: ImageDelivery }[] = [];
  const built: string[] = [];
  const opts: DeployOptions = {
    root,
    environment,
    configs,
    runner,
    fetcher: async (url) => {
      fetched.push(url);
      return fakeBytes(url);
    },
    reporter,
    clock: fakeClock(),
    env: {
      PATH: stubBin({ terraform: "", kubectl: "", VBoxManage: "", xorriso: "" }),
      OAUTH2_PROXY_CLIENT_ID: "id",
      OAUTH2_PROXY_CLIENT_SECRET: "client-secret-never-in-argv",
      OAUTH2_PROXY_COOKIE_SECRET: COOKIE,
      ALICLOUD_ACCESS_KEY: "LTAIexample",
      ALICLOUD_SECRET_KEY: "secret-key-never-printed",
      CLUSTERKIT_REGISTRY_USERNAME: "acr-user",
      CLUSTERKIT_REGISTRY_PASSWORD: "acr-password-never-printed",
    },
    upstreamInstalls: installs,
    imageBuilder: async (names) => {
      built.push(...names);
      events.push({ what: `build ${names.join(",")}`, at: runner.calls.length });
      for (const name of names) {
        const fixture = helloArchive(name, refs[name]!);
        mkdirSync(join(root, "build", "images"), { recursive: true });
        copyFileSync(fixture.path, archivePath(root, name));
      }
    },
    imagePusher: async (archive, d): Promise<PushResult> => {
      assert.ok(existsSync(archive), `pushing ${archive} that exists`);
      events.push({ what: `push ${d.name}`, at: runner.calls.length, delivery: d });
      return { digest: `sha256:${"0".repeat(64)}`, blobsUploaded: 2, blobsSkipped: 0, bytesUploaded: 1000, manifestsPut: 1 };
    },
    verifier: async (ctx): Promise<VerifyReport> => {
      events.push({ what: "verify", at: runner.calls.length });
      return {
        environment: ctx.environment.name,
        ok: script.verifyFails ? false : true,
        checks: [
          {
            id: "cluster",
            title: "nodes",
            status: script.verifyFails ? "fail" : "pass",
            summary: script.verifyFails ? "nodes Ready 2/3" : "nodes Ready 3/3",
            durationMs: 1,
          },
        ],
      };
    },
    // bcrypt's lowest cost: the same hashes, without seconds of CPU per run.
    bcryptCost: 4,
    policies: { ...DEFAULT_DEPLOY_POLICIES, deployment: { attempts: 3, intervalMs: 5000, timeoutMs: 60_000 } },
  };
  return { root, runner, reporter, opts, fetched, kubeconfigPath, events, built };
}

describe("deploy flow (fakes)", () => {
  it("runs terraform in the stack folder with LANG=C, records outputs without sensitive ones, and re-synthesizes", async () => {
    const outputs = {
      control_plane_ip: { value: "192.168.60.11" },
      node_ips: { value: { master01: "192.168.60.11" } },
      client_key: { value: "PRIVATE", sensitive: true },
    };
    const { root, runner, opts } = setup("local", { outputs });
    await deploy(opts);
    const tf = runner.calls.filter((c) => c.cmd === "terraform");
    assert.deepEqual(
      tf.map((c) => c.args[0]),
      ["init", "apply", "output"],
    );
    assert.ok(tf[1]!.args.includes("-auto-approve") && tf[1]!.args.includes("-input=false"));
    for (const c of tf) {
      assert.equal(c.cwd, join(root, "cdktf.out", "stacks", "local"));
      assert.equal(c.env?.LANG, "C");
      assert.equal(c.env?.LC_ALL, "C");
    }
    assert.ok(existsSync(join(root, "cdktf.out", "stacks", "local", "cdk.tf.json")), "synthesized before terraform ran");
    const file = join(root, "state", "local", "outputs.json");
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), {
      control_plane_ip: { value: "192.168.60.11" },
      node_ips: { value: { master01: "192.168.60.11" } },
    });
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it("creates state/<env>/ owner-only before terraform runs, runs terraform with umask 077, and tightens an older 0644 state file", async () => {
    const { root, runner, opts } = setup("local");
    const dir = join(root, "state", "local");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "terraform.tfstate"), "{}");
    chmodSync(join(dir, "terraform.tfstate"), 0o644);
    let modeAtInit = -1;
    const watching: Runner = {
      run: (cmd, args, o) => {
        if (cmd === "terraform" && args[0] === "init") modeAtInit = statSync(dir).mode & 0o777;
        return runner.run(cmd, args, o);
      },
    };
    await deploy({ ...opts, runner: watching });
    assert.equal(modeAtInit, 0o700);
    assert.equal(statSync(join(root, "state")).mode & 0o777, 0o700);
    const tf = runner.calls.filter((c) => c.cmd === "terraform");
    assert.ok(tf.length > 0 && tf.every((c) => c.umask === 0o077), "every terraform run is owner-only");
    assert.equal(statSync(join(dir, "terraform.tfstate")).mode & 0o777, 0o600);
  });

  it("generates the lab SSH keys (owner-only) and known_hosts before terraform reads them, and keeps them on a re-run", async () => {
    const { root, runner, opts } = setup("local");
    let keysAtInit: string[] = [];
    const watching: Runner = {
      run: (cmd, args, o) => {
        if (cmd === "terraform" && args[0] === "init")
          keysAtInit = [LAB_KEY, `${LAB_KEY}.pub`, KNOWN_HOSTS, ...["master01", "worker01", "worker02", "nfs01"].map(hostKeyPath)].filter((f) =>
            existsSync(join(root, f)),
          );
        return runner.run(cmd, args, o);
      },
    };
    await deploy({ ...opts, runner: watching });
    assert.equal(keysAtInit.length, 7, `present at terraform init: ${keysAtInit.join(", ")}`);
    assert.equal(statSync(join(root, LAB_KEY)).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, hostKeyPath("nfs01"))).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, SSH_DIR)).mode & 0o777, 0o700);
    const key = readFileSync(join(root, LAB_KEY), "utf8");
    await deploy(opts);
    assert.equal(readFileSync(join(root, LAB_KEY), "utf8"), key, "the VMs trust the existing key: it is kept");
  });

  describe("bootstrap token renewal (local re-deploy)", () => {
    const TOKEN = { id: "abcdef", secret: "0123456789abcdef" };

    /** Wraps the setup's runner: an existing cluster whose state holds the token output, optionally unreachable before terraform ran. */
    function existingCluster(apiUp: boolean, tokenInState = true) {
      const s = setup("local");
      mkdirSync(join(s.root, "state", "local"), { recursive: true });
      writeFileSync(join(s.root, s.kubeconfigPath), "apiVersion: v1\nkind: Config\n");
      let applied = false;
      const runner: Runner = {
        run: async (cmd, args, o) => {
          if (cmd === "terraform" && args[0] === "apply") applied = true;
          if (cmd === "terraform" && args[0] === "output" && args.includes("bootstrap_token")) {
            s.runner.calls.push({ cmd, args });
            return tokenInState
              ? { code: 0, stdout: JSON.stringify(TOKEN), stderr: "" }
              : { code: 1, stdout: "", stderr: 'Output "bootstrap_token" not found' };
          }
          const a = cmd === "kubectl" ? kubectlArgs({ cmd, args }) : [];
          if (!applied && !apiUp && a.includes("/readyz")) {
            s.runner.calls.push({ cmd, args });
            return { code: 1, stdout: "", stderr: "dial tcp 192.168.60.11:6443: connect: no route to host" };
          }
          return s.runner.run(cmd, args, o);
        },
      };
      return { ...s, opts: { ...s.opts, runner } };
    }

    const isTokenApply = (c: { cmd: string; input?: string }) => c.cmd === "kubectl" && (c.input ?? "").includes('"bootstrap-token-abcdef"');

    it("re-creates the token Secret from Terraform's state, expiring 24 h from now, before terraform apply, via stdin only", async () => {
      const { runner, opts } = existingCluster(true);
      await deploy(opts);
      const i = runner.calls.findIndex(isTokenApply);
      assert.ok(i >= 0, "the token Secret is applied");
      const call = runner.calls[i]!;
      assert.deepEqual(kubectlArgs(call).slice(0, 3), ["apply", "--server-side", "--force-conflicts"]);
      const secret = JSON.parse(call.input!);
      assert.equal(secret.metadata.namespace, "kube-system");
      assert.equal(secret.type, "bootstrap.kubernetes.io/token");
      // The fake clock starts at 0 ms.
      assert.deepEqual(
        {
          id: secret.stringData["token-id"],
          secret: secret.stringData["token-secret"],
          expiration: secret.stringData.expiration,
          groups: secret.stringData["auth-extra-groups"],
        },
        { id: "abcdef", secret: "0123456789abcdef", expiration: "1970-01-02T00:00:00Z", groups: "system:bootstrappers:kubeadm:default-node-token" },
      );
      assert.ok(!runner.calls.some((c) => c.args.some((a) => a.includes(TOKEN.secret))), "the token never appears on a command line");
      const init = runner.calls.findIndex((c) => c.cmd === "terraform" && c.args[0] === "init");
      const apply = runner.calls.findIndex((c) => c.cmd === "terraform" && c.args[0] === "apply");
      assert.ok(init < i && i < apply, "after terraform init (state readable), before apply replaces or adds workers");
    });

    it("skips with a one-line note when the API does not answer, and still applies", async () => {
      const { runner, reporter, opts } = existingCluster(false);
      await deploy(opts);
      assert.ok(reporter.lines.includes("info: bootstrap token renewal skipped: the cluster does not answer (expected while it is first created)"));
      assert.ok(!runner.calls.some(isTokenApply));
      assert.ok(runner.calls.some((c) => c.cmd === "terraform" && c.args[0] === "apply"));
    });

    it("warns and carries on when the state has no token output yet", async () => {
      const { runner, reporter, opts } = existingCluster(true, false);
      await deploy(opts);
      assert.ok(reporter.lines.some((l) => l.startsWith("warn: bootstrap token renewal skipped: Terraform's state has no bootstrap_token output")));
      assert.ok(!runner.calls.some(isTokenApply));
    });

    it("makes no kubectl call before terraform apply on a first deploy (no kubeconfig yet)", async () => {
      const { runner, reporter, opts } = setup("local");
      await deploy(opts);
      const apply = runner.calls.findIndex((c) => c.cmd === "terraform" && c.args[0] === "apply");
      assert.ok(!runner.calls.slice(0, apply).some((c) => c.cmd === "kubectl"));
      assert.ok(reporter.lines.includes("info: bootstrap token renewal skipped: no kubeconfig yet (first deploy)"));
    });
  });

  it("waits for the API and the nodes with visible progress, and finishes with how to reach the app", async () => {
    const { runner, reporter, opts, kubeconfigPath } = setup("local", { readyzFailures: 2, notReadyPolls: 2 });
    const lines = await deploy(opts);
    const k = runner.calls.filter((c) => c.cmd === "kubectl");
    assert.ok(k.every((c) => c.args[0] === "--kubeconfig" && c.args[1] === join(opts.root, kubeconfigPath)));
    assert.equal(k.filter((c) => kubectlArgs(c).includes("/readyz")).length, 3);
    assert.ok(reporter.lines.some((l) => /progress: API server not ready yet .*connection to the server 192\.168\.60\.11:6443 was refused/.test(l)));
    assert.ok(
      reporter.lines.some((l) => l.includes("nodes registered 3/3")),
      "locally the first wait counts registrations (no CNI yet)",
    );
    assert.ok(
      reporter.lines.some((l) => /progress: nodes Ready 0\/3/.test(l)),
      "Ready n/N shown while waiting after the CNI",
    );
    assert.ok(lines.some((l) => l.startsWith(`kubeconfig: ${kubeconfigPath}`)));
    assert.ok(lines.includes("web/web: http://192.168.60.200/"));
    // Local users sign in on oauth2-proxy's own form: its MetalLB address works.
    assert.ok(lines.includes("faas/oauth2-proxy: http://192.168.60.201/"), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith("new sign-in accounts")));
    for (const c of runner.calls) assert.ok(!c.args.join(" ").includes("client-secret-never-in-argv"));
  });

  it("with provider sign-in and a localhost redirect URL, offers only the port-forward for oauth2-proxy", async () => {
    const { opts } = setup("local");
    opts.configs.local.faas.oauth2Proxy.signIn = "provider";
    const lines = await deploy(opts);
    assert.ok(lines.some((l) => l.includes("port-forward svc/oauth2-proxy 8087:80") && l.includes("http://localhost:8087/")));
    assert.ok(
      !lines.some((l) => l.includes("192.168.60.201")),
      "the redirect URL is localhost: the proxy's MetalLB address cannot log in, so it is not offered",
    );
    assert.ok(!lines.some((l) => l.includes("sign-in accounts")));
  });

  it("is safe to run again after an interruption: the second run converges (terraform apply again, every file applied, nothing created twice) from the cache", async () => {
    const first = setup("local", { failWaitFor: "deploy/controller" });
    await assert.rejects(deploy(first.opts), (e: unknown) => e instanceof UserError && /metallb-system\/controller Available/.test(e.message));
    const appliedFiles = (calls: readonly Call[]) =>
      calls.filter((c) => c.cmd === "kubectl" && kubectlArgs(c)[0] === "apply").map((c) => kubectlArgs(c).at(-1)!.split("/").pop()!);
    assert.ok(!appliedFiles(first.runner.calls).includes("30-metallb-config.k8s.yaml"), "the first run stopped before the pool");
    const fetchedFirst = first.fetched.length;
    assert.ok(fetchedFirst > 0);
    const second = setup("local");
    const opts = { ...second.opts, root: first.root, fetcher: first.opts.fetcher };
    await deploy(opts);
    assert.equal(first.fetched.length, fetchedFirst, "verified cache reused, nothing downloaded again");
    assert.deepEqual(
      second.runner.calls.filter((c) => c.cmd === "terraform").map((c) => c.args[0]),
      // `output` before apply: the cluster now exists, so its bootstrap token is renewed first.
      ["init", "output", "apply", "output"],
      "terraform runs again: it converges whatever the interruption left",
    );
    const again = appliedFiles(second.runner.calls);
    for (const f of ["10-cni.k8s.yaml", "30-metallb-config.k8s.yaml", "60-faas.k8s.yaml"]) assert.ok(again.includes(f), `${f} applied on the second run`);
    const mutating = second.runner.calls.filter((c) => c.cmd === "kubectl" && ["create", "replace", "delete"].includes(kubectlArgs(c)[0]!));
    assert.deepEqual(mutating, [], "only apply/patch (idempotent), never create/replace/delete, so existing objects are no error");
    const secret = second.runner.calls.find((c) => c.input?.includes('"kind":"Secret"') && c.input.includes("oauth2-proxy"));
    assert.ok(secret && kubectlArgs(secret).includes("--server-side"), "the Secret goes through a server-side apply again");
  });

  it("downloads and verifies the upstream installs before terraform: an offline machine fails before anything is created", async () => {
    const { root, runner, opts } = setup("local");
    const offline = { ...opts, fetcher: async () => Promise.reject(new Error("fetch failed (ENOTFOUND: getaddrinfo ENOTFOUND raw.githubusercontent.com)")) };
    await assert.rejects(deploy(offline), (e: unknown) => e instanceof UserError && /could not download .* fetch failed \(ENOTFOUND/.test(e.message));
    assert.deepEqual(
      runner.calls.filter((c) => c.cmd === "terraform" || c.cmd === "kubectl"),
      [],
      "no terraform, no kubectl",
    );
    assert.ok(!existsSync(join(root, "state")), "no state folder");
  });

  it("refuses a changed upstream file before terraform, and the later apply step reuses the verified cache", async () => {
    const bad = setup("local");
    await assert.rejects(
      deploy({ ...bad.opts, fetcher: async () => new TextEncoder().encode("changed upstream\n") }),
      /refusing .* does not match its pinned SHA-256/,
    );
    assert.equal(bad.runner.calls.filter((c) => c.cmd === "terraform").length, 0);
    const { runner, opts, fetched, reporter } = setup("local");
    await deploy(opts);
    const expected = installs(opts.configs.local).length;
    assert.equal(fetched.length, expected, "each file downloaded once, not again at apply time");
    const lines = reporter.lines;
    const verified = lines.map((l) => l.startsWith("info: verified SHA-256")).lastIndexOf(true);
    assert.ok(verified !== -1 && verified < lines.findIndex((l) => l.startsWith("step: Terraform apply")), "every download verified before terraform apply");
    assert.equal(lines.filter((l) => l.includes("using verified cache")).length, expected, "apply step read the cache");
    assert.ok(runner.calls.some((c) => c.cmd === "terraform" && c.args[0] === "apply"));
  });

  it("waits for every Deployment and StatefulSet of the manifests to be ready before saying 'deployed', with progress", async () => {
    let polls = 0;
    const { runner, reporter, opts } = setup("local", {
      workload: (_kind, name) => ({ stdout: name === "frontend" && polls++ < 2 ? workloadJson(1, 0) : workloadJson() }),
    });
    await deploy(opts);
    const asked = runner.calls
      .filter((c) => kubectlArgs(c)[0] === "get" && ["deployment", "statefulset"].includes(kubectlArgs(c)[1]!))
      .map((c) => `${kubectlArgs(c)[1]} ${kubectlArgs(c)[4]}/${kubectlArgs(c)[2]}`);
    assert.deepEqual(
      [...new Set(asked)].sort(),
      [
        "deployment faas/frontend",
        "deployment faas/middleware",
        "deployment faas/oauth2-proxy",
        "deployment kube-system/metrics-server",
        "deployment web/web",
        "statefulset faas/nats",
      ],
      "every Deployment and StatefulSet of dist/local, nothing else",
    );
    assert.equal(asked.filter((a) => a === "deployment faas/frontend").length, 3, "polled until ready, then no more");
    const lines = reporter.lines;
    assert.ok(
      lines.some((l) => /progress: ready \d+\/\d+; not ready: Deployment faas\/frontend[^:]*: 0\/1 replicas available/.test(l)),
      lines.join("\n"),
    );
    const ready = lines.findIndex((l) => /info: Deployment faas\/frontend ready/.test(l));
    assert.ok(ready !== -1 && ready < lines.indexOf("step: local is deployed"), "ready before 'deployed'");
  });

  it("gives up on a workload stuck in ImagePullBackOff, naming it and its image, and never says 'deployed'", async () => {
    const image = "docker.io/miguellomot/cc-fronted:1.0.0";
    const pods = JSON.stringify({
      items: [
        {
          metadata: { name: "frontend-7d9c" },
          status: {
            phase: "Pending",
            containerStatuses: [{ name: "frontend", image, state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } }],
          },
        },
      ],
    });
    const { reporter, opts } = setup("local", {
      workload: (_kind, name) => ({ stdout: name.startsWith("frontend") ? workloadJson(1, 0) : workloadJson() }),
      pods: (call) => (kubectlArgs(call).join(" ").includes("frontend") ? { stdout: pods } : undefined),
    });
    const policies = { ...opts.policies!, workloads: { attempts: 4, intervalMs: 10_000, timeoutMs: 600_000 } };
    await assert.rejects(deploy({ ...opts, policies }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /the workload is not ready: Deployment faas\/frontend[^,;]*; gave up waiting .* after 4 attempts/);
      assert.match(e.message, new RegExp(`pod frontend-7d9c container frontend: ImagePullBackOff \\(image ${image.replace(/[./]/g, "\\$&")}\\)`));
      assert.doesNotMatch(e.message, /middleware|oauth2-proxy|nats/, "only what is not ready is named");
      return true;
    });
    assert.ok(
      reporter.lines.some((l) => l.startsWith("progress: ") && l.includes("ImagePullBackOff")),
      "visible while waiting",
    );
    assert.ok(!reporter.lines.includes("step: local is deployed"));
  });

  it("on ACK refuses manifests that still carry the NAS placeholder, before touching the cluster", async () => {
    const { runner, opts } = setup("ack-managed", { outputs: { cluster_id: { value: "c123" } } });
    await assert.rejects(
      deploy(opts),
      (e: unknown) =>
        e instanceof UserError &&
        /40-storage\.k8s\.yaml still contains nas-mount-target\.not-deployed\.invalid: the stack output 'nas_server' is missing/.test(e.message),
    );
    assert.equal(runner.calls.filter((c) => c.cmd === "kubectl").length, 0);
  });

  it("on ACK applies once the NAS output is there, without upstream installs, and waits for Ready nodes first", async () => {
    const { runner, opts, root, fetched, reporter } = setup("ack-managed", {
      outputs: { nas_server: { value: "0a1b.eu-central-1.nas.aliyuncs.com" }, nas_path: { value: "/" } },
    });
    await deploy(opts);
    assert.equal(fetched.length, 0);
    assert.match(readFileSync(join(root, "dist", "ack-managed", "40-storage.k8s.yaml"), "utf8"), /0a1b\.eu-central-1\.nas\.aliyuncs\.com/);
    const labels = runner.calls.filter((c) => c.cmd === "kubectl").map((c) => kubectlArgs(c).slice(0, 2).join(" "));
    const nodes = labels.indexOf("get nodes");
    const firstApply = labels.findIndex((l) => l.startsWith("apply"));
    assert.notEqual(nodes, -1, `nodes listed before applying:\n${labels.join("\n")}`);
    assert.notEqual(firstApply, -1);
    assert.ok(nodes < firstApply, "nodes Ready before the first manifest");
    assert.ok(reporter.lines.includes("info: nodes Ready 2/2 (n1 Ready, n2 Ready)"), reporter.lines.join("\n"));
  });
});

describe("deploy synthesizes its own environment only", () => {
  it("leaves the other environments' Terraform and manifests exactly as they were, and never writes theirs", async () => {
    const { opts, root } = setup("ack-managed", { outputs: { nas_server: { value: "0a1b.eu-central-1.nas.aliyuncs.com" } } });
    const sentinels = [join(root, "dist", "local", "10-cni.k8s.yaml"), join(root, "cdktf.out", "stacks", "local", "cdk.tf.json")];
    for (const f of sentinels) {
      mkdirSync(join(f, ".."), { recursive: true });
      writeFileSync(f, "written by an earlier synth\n");
    }
    await deploy(opts);
    for (const f of sentinels) assert.equal(readFileSync(f, "utf8"), "written by an earlier synth\n", f);
    assert.ok(
      !existsSync(join(root, "dist", "ack-dedicated")) && !existsSync(join(root, "cdktf.out", "stacks", "ack-dedicated")),
      "ack-dedicated never synthesized",
    );
    assert.ok(existsSync(join(root, "dist", "ack-managed", "40-storage.k8s.yaml")));
  });
});

describe("deploy delivers images, creates sign-in accounts and verifies (fakes)", () => {
  const applyIndex = (calls: readonly Call[], file: string) =>
    calls.findIndex((c) => c.cmd === "kubectl" && kubectlArgs(c)[0] === "apply" && kubectlArgs(c).some((a) => a.endsWith(file)));

  it("local: builds missing images before terraform, pushes them after the cluster is up and before 60-faas, and runs verify last", async () => {
    const { runner, opts, events, built } = setup("local");
    const lines = await deploy(opts);
    assert.deepEqual(built, ["frontend", "middleware", "executor-go", "executor-javascript", "executor-c"]);
    const terraformInit = runner.calls.findIndex((c) => c.cmd === "terraform" && c.args[0] === "init");
    const build = events.find((e) => e.what.startsWith("build"))!;
    assert.ok(build.at <= terraformInit, "built before terraform creates anything");
    const pushes = events.filter((e) => e.what.startsWith("push"));
    assert.equal(pushes.length, 5);
    const readyz = runner.calls.findIndex((c) => c.cmd === "kubectl" && kubectlArgs(c)[1] === "--raw");
    const faas = applyIndex(runner.calls, "60-faas.k8s.yaml");
    const web = applyIndex(runner.calls, "50-web.k8s.yaml");
    assert.ok(faas > 0 && web > 0);
    for (const p of pushes) {
      assert.ok(p.at > readyz, `${p.what} after the cluster answers`);
      assert.ok(p.at < faas, `${p.what} before 60-faas is applied`);
      assert.equal(p.delivery!.push.baseUrl, "http://192.168.60.30:5000");
      assert.match(p.delivery!.push.repository, /^clusterkit\/(frontend|middleware|executor-(go|javascript|c))$/);
      assert.equal(p.delivery!.needsLogin, false);
    }
    // Sign-in accounts exist (hashes only, on stdin) before the chart that mounts them.
    const usersSecret = runner.calls.findIndex((c) => c.input?.includes('"oauth2-proxy-local-users"'));
    assert.ok(usersSecret > 0 && usersSecret < faas);
    const input = runner.calls[usersSecret]!.input!;
    const htpasswd = Buffer.from(JSON.parse(input).data.htpasswd, "base64").toString("utf8");
    assert.match(htpasswd, /^alice@clusterkit\.internal:\$2[aby]\$04\$/m, "bcrypt, at the cost the options give");
    const verify = events.find((e) => e.what === "verify")!;
    const lastWorkloadGet = runner.calls
      .map((c, i) => (c.cmd === "kubectl" && ["deployment", "statefulset"].includes(kubectlArgs(c)[1] ?? "") ? i : -1))
      .reduce((a, b) => Math.max(a, b));
    assert.ok(verify.at > lastWorkloadGet, "verify runs after the workload is ready");
    assert.equal(events[events.length - 1]!.what, "verify", "verify is the last step");
    // New accounts are shown once with their password, and the verify table closes the summary.
    const users = JSON.parse(readFileSync(join(opts.root, "state", "local", "sign-in-users.json"), "utf8")).users as { email: string; password: string }[];
    const alice = users.find((u) => u.email === "alice@clusterkit.internal")!;
    assert.ok(lines.some((l) => l.includes(alice.email) && l.includes(alice.password)));
    assert.ok(!runner.calls.some((c) => c.args.join(" ").includes(alice.password)), "passwords never on a command line");
    assert.ok(!input.includes(alice.password), "the cluster gets hashes only");
    assert.match(lines[lines.length - 1]!, /1 passed, 0 failed/);
  });

  it("a re-run builds nothing (archives match), keeps the passwords and prints them no more", async () => {
    const { opts, built, events } = setup("local");
    await deploy(opts);
    const before = readFileSync(join(opts.root, "state", "local", "sign-in-users.json"), "utf8");
    built.length = 0;
    events.length = 0;
    const lines = await deploy(opts);
    assert.deepEqual(built, []);
    assert.equal(events.filter((e) => e.what.startsWith("push")).length, 5, "pushing again is the client's job to make cheap (only HEADs)");
    assert.equal(readFileSync(join(opts.root, "state", "local", "sign-in-users.json"), "utf8"), before);
    assert.ok(lines.some((l) => /sign in with the accounts in state\/local\/sign-in-users\.json/.test(l)));
    const users = JSON.parse(before).users as { password: string }[];
    assert.ok(!lines.some((l) => users.some((u) => l.includes(u.password))));
  });

  it("fails when verify fails, naming the check; --skip-verify skips it and says how to run it", async () => {
    const failing = setup("local", { verifyFails: true });
    await assert.rejects(
      deploy(failing.opts),
      (e: unknown) =>
        e instanceof UserError && /deployed, but verify found problems/.test(e.message) && /FAIL {2}1 cluster {4}nodes Ready 2\/3/.test(e.message),
    );
    const skipped = setup("local", { verifyFails: true });
    const lines = await deploy({ ...skipped.opts, skipVerify: true });
    assert.ok(!skipped.events.some((e) => e.what === "verify"));
    assert.ok(lines.some((l) => l.includes("npm run verify -- local")));
  });

  it("refuses, before anything is created, an image tag it did not build, naming the field", async () => {
    const { runner, opts, events } = setup("local");
    opts.configs.local.faas.executors.images.c = "docker.io/library/gcc:14.3.0";
    await assert.rejects(
      deploy(opts),
      (e: unknown) =>
        e instanceof UserError && /local\.faas\.executors\.images\.c: docker\.io\/library\/gcc:14\.3\.0 is neither built and pushed by deploy/.test(e.message),
    );
    assert.equal(runner.calls.filter((c) => c.cmd === "terraform").length, 0);
    assert.deepEqual(events, []);
    // A digest-pinned reference is expected to exist: accepted, never pushed.
    const pinned = setup("local");
    pinned.opts.configs.local.faas.executors.images.c = `docker.io/library/gcc@sha256:${"cd".repeat(32)}`;
    await deploy(pinned.opts);
    assert.ok(!pinned.events.some((e) => e.what === "push executor-c"));
    assert.equal(pinned.events.filter((e) => e.what.startsWith("push")).length, 4);
  });

  it("ACK: pushes to the registry's public endpoint with the login from the environment; refuses without one", async () => {
    const outputs = { nas_server: { value: "abc.eu-central-1.nas.aliyuncs.com" } };
    const { opts, events } = setup("ack-managed", { outputs });
    await deploy(opts);
    const pushes = events.filter((e) => e.what.startsWith("push"));
    assert.equal(pushes.length, 5);
    for (const p of pushes) {
      assert.equal(p.delivery!.push.baseUrl, "https://registry.eu-central-1.aliyuncs.com");
      assert.ok(p.delivery!.reference.startsWith("registry-vpc.eu-central-1.aliyuncs.com/clusterkit/"), "nodes pull through the VPC endpoint");
      assert.equal(p.delivery!.needsLogin, true);
    }
    const bare = setup("ack-managed", { outputs });
    const { CLUSTERKIT_REGISTRY_USERNAME: _u, CLUSTERKIT_REGISTRY_PASSWORD: _p, ...env } = bare.opts.env;
    await assert.rejects(
      deploy({ ...bare.opts, env }),
      (e: unknown) => e instanceof UserError && /needs a registry login: set CLUSTERKIT_REGISTRY_USERNAME and CLUSTERKIT_REGISTRY_PASSWORD/.test(e.message),
    );
  });

  it("--plan lists the images, the push before 60-faas and verify last", async () => {
    const { opts } = setup("local");
    const plan = await deploy({ ...opts, planOnly: true });
    // Numbered steps ("  7. manifest ..."), then the images the manifests run and the prerequisites.
    const steps = plan.filter((l) => /^ {2}\d+\. /.test(l)).map((l) => l.replace(/^ {2}\d+\. /, ""));
    assert.ok(steps.some((l) => /^the service's images, built by this repository when their archives are missing: /.test(l)));
    const push = steps.findIndex((l) => l.startsWith("push images"));
    const faas = steps.findIndex((l) => l === "manifest 60-faas.k8s.yaml");
    assert.ok(push > 0 && push < faas, steps.join("\n"));
    assert.equal(steps[steps.length - 1], "verify (npm run verify -- local)");
  });
});
