/**
 * A whole local deploy against fake tools, with a hook per phase so a test can inject a fault
 * (a stop request, a failure, a pause) exactly where it wants. The fake terraform keeps a state file
 * the way the real one does (state/local/terraform.tfstate, its serial bumped by every apply).
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import type { LocalConfig } from "../../src/config/schema";
import { upstreamInstallsFor } from "../../src/config/upstream";
import { DEFAULT_DEPLOY_POLICIES, deploy, type DeployOptions } from "../../src/deploy/deploy";
import { Interruption } from "../../src/deploy/interrupt";
import { memoryReporter } from "../../src/deploy/reporter";
import type { RunOptions, RunResult, Runner } from "../../src/deploy/runner";
import { archivePath, planImages } from "../../src/deploy/images";
import { sha256 } from "../../src/deploy/upstream-cache";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { writeDefaultBox } from "../support/box";
import { helloArchive } from "../support/oci-fixture";
import { type Call, fakeClock, hostOnlyList, kubectlArgs, nodesJson, stubBin, workloadJson } from "./fakes";

const COOKIE = "0123456789abcdef0123456789abcdef";
export const CLIENT_SECRET = "client-secret-value-9f8e7d";
export const CLOUD_SECRET = "cloud-secret-key-4b3a2c1d";

const fakeBytes = (url: string) => new TextEncoder().encode(`# served for ${url}\n`);
const installs = (c: LocalConfig) => upstreamInstallsFor(c).map((i) => ({ ...i, sha256: sha256(fakeBytes(i.url)) }));

/** The phase a call belongs to, as hooks name them. */
function phaseOf(call: Call): string {
  if (call.cmd === "terraform") return `terraform ${call.args[0]}`;
  if (call.cmd !== "kubectl") return call.cmd;
  const all = kubectlArgs(call);
  const a = all[0] === "-n" ? all.slice(2) : all;
  if (a[0] === "get" && a[1] === "--raw") return "kubectl readyz";
  if (a[0] === "get") return `kubectl get ${a[1]}`;
  if (a[0] === "apply") return a.includes("-") ? "kubectl apply stdin" : "kubectl apply file";
  return `kubectl ${a[0]}`;
}

export type Hook = (call: Call, h: Harness) => Partial<RunResult> | undefined | Promise<Partial<RunResult> | undefined>;

export interface Harness {
  readonly root: string;
  readonly calls: Call[];
  readonly hooks: Map<string, Hook>;
  readonly runner: Runner;
  /** Options for one deploy run (a fresh interruption each time unless given). */
  options(interruption?: Interruption): DeployOptions & { reporter: ReturnType<typeof memoryReporter> };
  /** The fake terraform state, or undefined. */
  state(): { serial: number } | undefined;
  statePath: string;
  /** Every file under state/local, relative (to check nothing is left behind). */
  stateListing(): string[];
}

export function harness(): Harness {
  const root = scratchDir();
  writeDefaultBox(root);
  const configs = defaultConfigs();
  const statePath = join(root, "state", "local", "terraform.tfstate");
  const calls: Call[] = [];
  const hooks = new Map<string, Hook>();
  const path = stubBin({ terraform: "", kubectl: "", VBoxManage: "", xorriso: "" });
  const h: Harness = {
    root,
    calls,
    hooks,
    statePath,
    runner: {
      async run(cmd: string, args: readonly string[], opts: RunOptions = {}) {
        const call: Call = { cmd, args: [...args], input: opts.input, cwd: opts.cwd, env: opts.env, umask: opts.umask };
        calls.push(call);
        const hook = hooks.get(phaseOf(call));
        const hooked = hook ? await hook(call, h) : undefined;
        const r = hooked ?? defaultAnswer(call, h);
        return { code: r.code ?? 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
      },
    },
    options(interruption = new Interruption()) {
      return {
        root,
        environment: "local",
        configs,
        runner: h.runner,
        fetcher: async (url) => fakeBytes(url),
        reporter: memoryReporter(),
        clock: fakeClock(),
        env: {
          PATH: path,
          OAUTH2_PROXY_CLIENT_ID: "client-id",
          OAUTH2_PROXY_CLIENT_SECRET: CLIENT_SECRET,
          OAUTH2_PROXY_COOKIE_SECRET: COOKIE,
          ALICLOUD_ACCESS_KEY: "LTAIexample",
          ALICLOUD_SECRET_KEY: CLOUD_SECRET,
        },
        upstreamInstalls: installs,
        // Image archives as the build would leave them (made once: later runs find them up to date), pushes faked.
        imageBuilder: async (names, environment) => {
          mkdirSync(join(root, "build", "images"), { recursive: true });
          for (const d of planImages(environment).deliveries.filter((x) => names.includes(x.name))) {
            copyFileSync(helloArchive(d.name, d.reference).path, archivePath(root, d.name));
          }
        },
        imagePusher: async () => ({ digest: `sha256:${"0".repeat(64)}`, blobsUploaded: 0, blobsSkipped: 2, bytesUploaded: 0, manifestsPut: 0 }),
        skipVerify: true,
        // bcrypt's lowest cost: the same hashes, without seconds of CPU per run.
        bcryptCost: 4,
        policies: { ...DEFAULT_DEPLOY_POLICIES, deployment: { attempts: 3, intervalMs: 5000, timeoutMs: 60_000 } },
        interruption,
      };
    },
    state() {
      return existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as { serial: number }) : undefined;
    },
    stateListing() {
      const dir = join(root, "state", "local");
      const walk = (d: string, rel: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
      return existsSync(dir) ? walk(dir, "").sort() : [];
    },
  };
  return h;
}

/** What the fake tools answer when no hook does: a healthy cluster. */
function defaultAnswer(call: Call, h: Harness): Partial<RunResult> {
  if (call.cmd === "VBoxManage") return { stdout: hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }]) };
  if (call.cmd === "terraform") {
    if (call.args[0] === "apply") {
      // As terraform does: the state is written (serial + 1), then the kubeconfig file.
      mkdirSync(join(h.root, "state", "local"), { recursive: true });
      writeFileSync(h.statePath, JSON.stringify({ serial: (h.state()?.serial ?? 0) + 1 }));
      writeFileSync(join(h.root, "state", "local", "kubeconfig"), "apiVersion: v1\nkind: Config\n");
    }
    if (call.args[0] === "output")
      return { stdout: JSON.stringify({ control_plane_ip: { value: "192.168.60.11" }, api_endpoint: { value: "https://192.168.60.11:6443" } }) };
    return {};
  }
  const phase = phaseOf(call);
  if (phase === "kubectl readyz") return { stdout: "ok" };
  if (phase === "kubectl get nodes") return { stdout: nodesJson(["master01", "worker01", "worker02"].map((name) => ({ name, ready: true }))) };
  if (phase === "kubectl get deployment" || phase === "kubectl get statefulset") return { stdout: workloadJson() };
  if (phase === "kubectl get pods" || phase === "kubectl get svc" || phase === "kubectl get ingress") return { stdout: JSON.stringify({ items: [] }) };
  return {};
}

/** Runs a deploy expected to fail; returns its UserError (a non-UserError fails the test: that would be a trace). */
export async function failing(run: Promise<unknown>): Promise<UserError> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError (one clear message), got ${(err as Error)?.stack ?? String(err)}`);
    return err;
  }
  assert.fail("deploy was expected to fail");
}

/** Nothing of a run is left behind: no lock, no manifest snapshot, no temporary file. */
export function assertClean(h: Harness): void {
  const left = h.stateListing().filter((f) => f === "deploy.lock" || f.startsWith("runs/") || /\.tmp-|\.new-/.test(f));
  assert.equal(left.join(", "), "", "lock, snapshot or temporary files left behind");
}

/**
 * One test per phase: a stop request (SIGTERM) arrives while that phase's command runs. Deploy must
 * stop with exit status 143 and a clear message, start nothing more, lose no state or outputs, leave
 * no lock, and the same command must then succeed. The phases share one environment: each re-run is
 * the next phase's starting point.
 */
export function stopRequestTests(phases: readonly string[]): void {
  const h = harness();
  beforeAll(async () => {
    await deploy(h.options());
  });
  for (const phase of phases) {
    it(`during ${phase}: stops with exit status 143 and a clear message, loses nothing, and a re-run succeeds`, async () => {
      const before = { state: h.state()!.serial, outputs: readFileSync(join(h.root, "state/local/outputs.json"), "utf8") };
      const interruption = new Interruption();
      let reached = false;
      h.hooks.set(phase, (call, hh) => {
        if (reached) return undefined;
        reached = true;
        interruption.raise("SIGTERM");
        // terraform finishes what it started and saves its state before exiting on SIGINT.
        if (phase === "terraform apply") writeFileSync(hh.statePath, JSON.stringify({ serial: before.state + 1 }));
        return call.cmd === "terraform" ? { code: 1, stderr: "Interrupt received.\nGracefully shutting down...\n" } : { code: 143 };
      });
      const callsBefore = h.calls.length;
      const err = await failing(deploy(h.options(interruption)));
      h.hooks.clear();
      assert.ok(reached, `the ${phase} phase was reached`);
      assert.equal(err.exitCode, 143);
      assert.match(err.message, /interrupted by SIGTERM/);
      assert.match(err.message, /run the same command again to resume/);
      if (phase === "terraform apply") assert.match(err.message, /terraform stopped cleanly; its state is saved \(state\/local\/terraform\.tfstate\)/);
      // Nothing was started after the stop request.
      const after = h.calls.slice(callsBefore);
      assert.equal(phaseOf(after.at(-1)!), phase, `no command after the interrupted one: ${after.map(phaseOf).join(", ")}`);
      // Nothing lost: state as terraform left it, outputs the previous (complete) file.
      assert.ok(h.state()!.serial >= before.state);
      assert.equal(readFileSync(join(h.root, "state/local/outputs.json"), "utf8"), before.outputs);
      assertClean(h);

      await deploy(h.options());
      assertClean(h);
    });
  }
}
