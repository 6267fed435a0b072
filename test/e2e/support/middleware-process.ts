/**
 * The real middleware (build/middleware/main.js, what its image runs) as a MiddlewareStarter for
 * startFaasStack: configured only by the synthesized Deployment's env (the kubelet's parts filled
 * in: the password, the pod name), talking to the middleware tests' fake Kubernetes API (RBAC from
 * the synthesized Role, Pod Security `restricted`, schema validation). Who runs the executor Pods
 * is the `runner`: by default the scripted runner of the middleware tests, where a source line
 * `// scenario: <name>` picks the outcome (test/middleware/harness.ts SCENARIOS) and any other
 * source finishes with "hello from <language>". A full-stack test passes a runner that runs the
 * executor images for real.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scriptFor } from "../../middleware/harness";
import { environment, find, synthFaas } from "../../faas/fixtures";
import { FakeKubeApi, type PodRunner } from "../../support/fake-kube/server";
import { scriptedRunner } from "../../support/fake-kube/scripted";
import type { MiddlewareStarter, NatsCredentials } from "./faas-stack";
import { freePort } from "./ports";

const ROOT = join(__dirname, "..", "..", "..");
export const MIDDLEWARE_MAIN = join(ROOT, "build", "middleware", "main.js");

export function ensureMiddlewareBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build-middleware.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build:middleware failed:\n${r.stdout}\n${r.stderr}`);
}

export interface MiddlewareProcessOptions {
  /** Runs the executor Pods the middleware creates. @default the scripted runner (no containers) */
  readonly runner?: PodRunner;
  /** The pod name the replica reports. @default middleware-0 */
  readonly replicaName?: string;
}

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown; fieldRef?: unknown } };

export function middlewareProcess(options: MiddlewareProcessOptions = {}): MiddlewareStarter {
  return async (nats: NatsCredentials) => {
    const env = environment("local");
    const objects = synthFaas(env).all;
    const api = await FakeKubeApi.start({ objects, runner: options.runner ?? scriptedRunner(scriptFor) });
    const dir = mkdtempSync(join(tmpdir(), "clusterkit-e2e-mw-"));
    let child: ChildProcess | undefined;
    const stop = async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        const c = child;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      const kubeconfig = join(dir, "kubeconfig.json");
      writeFileSync(kubeconfig, api.kubeConfig().exportConfig(), { mode: 0o600 });
      const healthPort = await freePort();
      const processEnv: Record<string, string> = {};
      for (const e of find(objects, "Deployment", "middleware", env.config.faas.namespace).spec.template.spec.containers[0].env as EnvVar[]) {
        if (e.value !== undefined) processEnv[e.name] = e.value;
        else if (e.valueFrom?.secretKeyRef) processEnv[e.name] = nats.password;
        else if (e.valueFrom?.fieldRef) processEnv[e.name] = options.replicaName ?? "middleware-0";
      }
      // Reached from this machine rather than through cluster DNS; one NATS server, so R1 buckets.
      Object.assign(processEnv, {
        NATS_URL: nats.url,
        NATS_USER: nats.user,
        NATS_BUCKET_REPLICAS: "1",
        HEALTH_PORT: String(healthPort),
        RECONCILE_INTERVAL_MS: "500",
      });
      let log = "";
      child = spawn(process.execPath, [MIDDLEWARE_MAIN], {
        env: { PATH: process.env.PATH ?? "", KUBECONFIG: kubeconfig, ...processEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the middleware exited with ${child.exitCode}:\n${log}`);
        const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (ready) break;
        if (Date.now() > deadline) throw new Error(`the middleware was not ready within 30 s:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return { stop, log: () => log };
    } catch (e) {
      await stop();
      throw e;
    }
  };
}
