/**
 * Runs an apply plan against the cluster. Each step is idempotent (apply, server-side apply,
 * waits), so an interrupted deploy resumes by running it again. Failures the cluster recovers
 * from on its own (a webhook whose Pods are still starting, a CRD not yet served) are retried a
 * bounded number of times; anything else stops at once with kubectl's message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manifestObjects } from "../lib/manifest-yaml";
import type { UpstreamInstall, WaitCondition } from "../config/upstream";
import { UserError } from "../errors";
import { waitForNodes } from "./cluster-wait";
import type { Kubectl } from "./kubectl";
import { archivePath, type ImageDelivery, type ImagePusher } from "./images";
import type { Redactor } from "./redact";
import { type ApplyStep, describeWait } from "./plan";
import type { Reporter } from "./reporter";
import { type Clock, done, notYet, type RetryPolicy, waitUntil } from "./retry";
import type { RunResult } from "./runner";
import { kubectlSecretReader, type ResolvedSecret, secretManifest, withGeneratedKeys } from "./secret-values";
import { ensureUpstream, type Fetcher } from "./upstream-cache";

/** kubectl errors that go away once a webhook or CRD is being served. */
const TRANSIENT: readonly RegExp[] = [
  /failed calling webhook/i,
  /no endpoints available for service/i,
  /connection refused/i,
  /i\/o timeout/i,
  /context deadline exceeded/i,
  /TLS handshake timeout/i,
  /ensure CRDs are installed first/i,
  /no matches for kind/i,
  /the server is currently unable to handle the request/i,
  /the server could not find the requested resource/i,
  // our own per-call limit (runner.ts): a slow API server, not a verdict on the manifest
  /killed by SIGTERM at its time limit/,
];

export function isTransient(stderr: string): boolean {
  return TRANSIENT.some((re) => re.test(stderr));
}

export interface ApplyPolicies {
  /** Re-applying a file that failed transiently (webhook not answering yet). */
  readonly apply: RetryPolicy;
  /** Waiting for a CRD to be Established. */
  readonly crd: RetryPolicy;
  /** Waiting for a Deployment to be Available. */
  readonly deployment: RetryPolicy;
  /** Waiting for every node to be Ready after the CNI. */
  readonly nodes: RetryPolicy;
  /** Pushing an image while the registry is not answering yet (the NFS node still installing it). */
  readonly images: RetryPolicy;
  /** `--timeout` of each `kubectl wait` call, seconds. */
  readonly waitCallSeconds: number;
}

export const DEFAULT_APPLY_POLICIES: ApplyPolicies = {
  apply: { attempts: 12, intervalMs: 10_000, timeoutMs: 180_000 },
  crd: { attempts: 10, intervalMs: 3_000, timeoutMs: 300_000 },
  deployment: { attempts: 10, intervalMs: 5_000, timeoutMs: 600_000 },
  nodes: { attempts: 120, intervalMs: 10_000, timeoutMs: 1_200_000 },
  images: { attempts: 30, intervalMs: 10_000, timeoutMs: 300_000 },
  waitCallSeconds: 60,
};

export interface ApplyContext {
  readonly kubectl: Kubectl;
  readonly reporter: Reporter;
  readonly clock: Clock;
  /** Project root (for the upstream cache). */
  readonly root: string;
  /** Folder holding the manifest files (dist/<env>). */
  readonly manifestsDir: string;
  readonly fetcher: Fetcher;
  /** Nodes the cluster must have Ready (for the `nodes-ready` step). */
  readonly expectedNodes: number;
  readonly policies: ApplyPolicies;
  /** Pushes built images (the `images` step). @default none: a plan with images fails */
  readonly images?: { readonly pusher: ImagePusher; readonly env: NodeJS.ProcessEnv };
  /** Runs after the workload Secrets (deploy creates the local sign-in accounts' Secret here). @default nothing */
  readonly afterSecrets?: () => Promise<void>;
  /** Learns the generated Secret values, so no error or log line can show them. @default none */
  readonly redactor?: Redactor;
}

function firstLine(r: RunResult): string {
  return (r.stderr || r.stdout).trim().split("\n").slice(-1)[0] || `exit ${r.code}`;
}

/** Applies with bounded retries on transient failures; a permanent failure stops at once. */
async function applyWithRetry(what: string, ctx: ApplyContext, apply: () => Promise<RunResult>): Promise<void> {
  await waitUntil(
    `${what} to apply (webhooks and CRDs it needs answering)`,
    ctx.policies.apply,
    async () => {
      const r = await apply();
      if (r.code === 0) return done(undefined);
      if (!isTransient(r.stderr))
        throw new UserError(`applying ${what} failed (exit ${r.code})`, [r.stderr.trim() || r.stdout.trim(), "fix the cause and run the same command again"]);
      return notYet(firstLine(r));
    },
    { clock: ctx.clock, onProgress: (s, n) => ctx.reporter.progress(`${what} not accepted yet (attempt ${n}): ${s}`) },
  );
}

async function waitFor(cond: WaitCondition, ctx: ApplyContext): Promise<void> {
  const secs = ctx.policies.waitCallSeconds;
  const policy = cond.kind === "crd" ? ctx.policies.crd : ctx.policies.deployment;
  const what = describeWait(cond);
  ctx.reporter.progress(`waiting for ${what}`);
  await waitUntil(
    what,
    policy,
    async () => {
      const r =
        cond.kind === "crd"
          ? await ctx.kubectl.waitCrdEstablished(cond.name, secs)
          : await ctx.kubectl.waitDeploymentAvailable(cond.namespace, cond.name, secs);
      return r.code === 0 ? done(undefined) : notYet(firstLine(r));
    },
    {
      clock: ctx.clock,
      onProgress: (s, n) => ctx.reporter.progress(`${what}: not yet (attempt ${n}): ${s}`),
      hint:
        cond.kind === "deployment"
          ? `inspect it with \`kubectl --kubeconfig ${ctx.kubectl.kubeconfig} -n ${cond.namespace} describe deploy/${cond.name}\``
          : undefined,
    },
  );
  ctx.reporter.info(`${what}`);
}

async function applyUpstream(install: UpstreamInstall, ctx: ApplyContext): Promise<void> {
  ctx.reporter.step(`Upstream: ${install.component} ${install.version}`);
  const file = await ensureUpstream(install, ctx.root, ctx.fetcher, ctx.reporter);
  await applyWithRetry(`${install.id}`, ctx, () => ctx.kubectl.applyFile(file, install.serverSide));
  for (const cond of install.waitFor) await waitFor(cond, ctx);
}

/** The chart's own Namespace object for `namespace`, so Secrets can exist before the chart is applied. */
function namespaceManifest(namespace: string, manifestsDir: string, files: readonly string[]): string {
  for (const file of files) {
    for (const doc of manifestObjects(readFileSync(join(manifestsDir, file), "utf8"))) {
      const obj = doc as { kind?: string; metadata?: { name?: string } } | null;
      if (obj?.kind === "Namespace" && obj.metadata?.name === namespace) return JSON.stringify(obj);
    }
  }
  return JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
}

async function applySecrets(secrets: readonly ResolvedSecret[], files: readonly string[], ctx: ApplyContext): Promise<void> {
  ctx.reporter.step("Workload Secrets");
  for (const ns of [...new Set(secrets.map((s) => s.spec.namespace))]) {
    await applyWithRetry(`Namespace ${ns}`, ctx, () => ctx.kubectl.applyStdin(namespaceManifest(ns, ctx.manifestsDir, files)));
  }
  // Generated keys (NATS passwords): kept from the cluster when present, else generated once.
  const filled = await withGeneratedKeys(secrets, kubectlSecretReader(ctx.kubectl));
  for (const v of filled.flatMap((s) => Object.values(s.data))) ctx.redactor?.add(v);
  for (const secret of filled) {
    const name = `${secret.spec.namespace}/${secret.spec.name}`;
    // Values go to kubectl on stdin only: never on a command line, never in a file.
    const r = await ctx.kubectl.applyStdin(secretManifest(secret));
    if (r.code !== 0) throw new UserError(`creating Secret ${name} failed (exit ${r.code})`, [r.stderr.trim(), "fix the cause and run the same command again"]);
    ctx.reporter.info(`Secret ${name} applied (keys: ${Object.keys(secret.data).join(", ")})`);
  }
  await ctx.afterSecrets?.();
}

/** Connection failures mean the registry is not up yet (retried); anything else stops. */
const REGISTRY_NOT_READY = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|no progress for|HTTP 50[234]/;

async function pushImages(images: readonly ImageDelivery[], ctx: ApplyContext): Promise<void> {
  ctx.reporter.step(`Images: push ${images.length} built image${images.length === 1 ? "" : "s"} before the workloads that use them`);
  const push = ctx.images;
  if (!push) throw new Error("the plan has an images step but no image pusher was given");
  for (const d of images) {
    const result = await waitUntil(
      `the registry ${d.push.baseUrl} to accept ${d.reference}`,
      ctx.policies.images,
      async () => {
        try {
          return done(await push.pusher(archivePath(ctx.root, d.name), d, push.env, (line) => ctx.reporter.progress(`${d.name}: ${line}`)));
        } catch (err) {
          const message = (err as Error).message;
          if (!REGISTRY_NOT_READY.test(message))
            throw new UserError(`pushing ${d.reference} (${d.field}) failed: ${message}`, [
              "fix the cause and run the same command again; blobs already pushed are not sent again",
            ]);
          return notYet(message);
        }
      },
      { clock: ctx.clock, onProgress: (s, n) => ctx.reporter.progress(`registry not answering yet (attempt ${n}): ${s}`) },
    );
    ctx.reporter.info(
      result.blobsUploaded || result.manifestsPut
        ? `${d.reference} pushed (${result.digest}; ${result.blobsUploaded} blobs, ${(result.bytesUploaded / 1e6).toFixed(1)} MB, ${result.blobsSkipped} already there)`
        : `${d.reference} already in the registry (${result.digest}); nothing sent`,
    );
  }
}

export async function executePlan(steps: readonly ApplyStep[], ctx: ApplyContext): Promise<void> {
  const files = steps.flatMap((s) => (s.kind === "manifest" ? [s.file] : []));
  for (const step of steps) {
    switch (step.kind) {
      case "upstream":
        await applyUpstream(step.install, ctx);
        break;
      case "manifest":
        ctx.reporter.step(`Apply ${step.file}`);
        await applyWithRetry(step.file, ctx, () => ctx.kubectl.applyFile(join(ctx.manifestsDir, step.file), false));
        break;
      case "images":
        await pushImages(step.images, ctx);
        break;
      case "secrets":
        await applySecrets(step.secrets, files, ctx);
        break;
      case "nodes-ready":
        ctx.reporter.step("Waiting for nodes to become Ready");
        await waitForNodes(ctx.kubectl, ctx.expectedNodes, true, ctx.policies.nodes, ctx.clock, ctx.reporter);
        break;
    }
  }
}
