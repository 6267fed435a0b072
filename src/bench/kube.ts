/**
 * The benchmark on a cluster: each measurement is a Pod in the namespace `clusterkit-bench`
 * (created for the run, Pod Security `restricted`, removed afterwards), its RuntimeClass the
 * runtime under test. CPU and I/O Pods print their result, read through `pods/log`; the network
 * app is a bench-net Pod loaded by a bench-loadgen Pod (always runC, on the same node) at the
 * server's Pod IP; start latency is create → container running (seen through a watch) → first
 * byte through the API server's `pods/proxy`, which adds the same round trip for every runtime.
 *
 * API calls: namespaces create/get/delete; pods create/get/watch/delete, pods/log get,
 * pods/proxy get in that namespace.
 */
import { CoreV1Api, type KubeConfig, type V1Container, type V1Pod, Watch } from "@kubernetes/client-node";
import { RUNTIMES, type RuntimeName } from "../config/runtimes";
import { UserError } from "../errors";
import {
  BENCH_IMAGES,
  BENCH_PATHS,
  type BenchApp,
  type BenchImage,
  type BenchSizes,
  loadgenArgs,
  parseLoad,
  parseWorkload,
  type Sample,
  SERVE_ARGS,
  SERVE_PORT,
  workloadArgs,
} from "./apps";
import type { MachineDescription, RuntimeStatus } from "./result";
import type { BenchBackend } from "./run";

export const BENCH_NAMESPACE = "clusterkit-bench";
/** Every bench Pod carries it, valued with its own name (watches select one Pod by it). */
const BENCH_POD_LABEL = "clusterkit.io/bench-pod";
const UID = 1000;

/** How each runtime is selected on this cluster, or why it cannot be. */
export type ClusterRuntime = { readonly runtimeClassName?: string } | { readonly unavailable: string };

export interface KubeOptions {
  readonly target: string;
  readonly kubeConfig: KubeConfig;
  /** image name → reference (`<registry>/clusterkit/<name>:<tag>`). */
  readonly images: Readonly<Record<BenchImage, string>>;
  readonly runtimes: Readonly<Record<RuntimeName, ClusterRuntime>>;
  /** Pod Security version label of the namespace (`v<minor>`, or `latest`). */
  readonly podSecurityVersion: string;
  /** What the environment is (nodes, sizes), for the record. */
  readonly describe: string;
  /** Longest a Pod may take to finish. @default 600 s */
  readonly podTimeoutMs?: number;
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
}

interface Failure {
  readonly code?: number;
  readonly message: string;
}

function failure(err: unknown): Failure {
  const e = err as { code?: number; body?: unknown; message?: string };
  let message = e?.message ?? String(err);
  const body =
    typeof e?.body === "string"
      ? (() => {
          try {
            return JSON.parse(e.body as string) as { message?: string };
          } catch {
            return { message: e.body as string };
          }
        })()
      : (e?.body as { message?: string } | undefined);
  if (body?.message) message = body.message;
  return { code: typeof e?.code === "number" ? e.code : undefined, message };
}

export class KubeBackend implements BenchBackend {
  readonly kind = "kubernetes" as const;
  readonly target: string;
  private readonly core: CoreV1Api;
  private readonly watch: Watch;
  private readonly pods = new Set<string>();
  private createdNamespace = false;
  private counter = 0;
  private readonly statuses: RuntimeStatus[];

  constructor(private readonly opts: KubeOptions) {
    this.target = opts.target;
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.watch = new Watch(opts.kubeConfig);
    this.statuses = RUNTIMES.map((r): RuntimeStatus => {
      const c = opts.runtimes[r];
      return "unavailable" in c
        ? { runtime: r, available: false, detail: c.unavailable }
        : {
            runtime: r,
            available: true,
            detail: c.runtimeClassName ? `RuntimeClass ${c.runtimeClassName}` : "the cluster's default runtime (no RuntimeClass)",
          };
    });
  }

  async prepare(): Promise<void> {
    try {
      await this.core.readNamespace({ name: BENCH_NAMESPACE });
    } catch (err) {
      const f = failure(err);
      if (f.code !== 404) throw new UserError(`cannot read namespace ${BENCH_NAMESPACE} on ${this.target}: ${f.message}`);
      const level = { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": this.opts.podSecurityVersion };
      await this.core.createNamespace({ body: { metadata: { name: BENCH_NAMESPACE, labels: { ...level, "app.kubernetes.io/part-of": "clusterkit-bench" } } } });
      this.createdNamespace = true;
    }
  }

  async describe(): Promise<MachineDescription> {
    return { summary: this.opts.describe, facts: { environment: this.target, namespace: BENCH_NAMESPACE } };
  }

  async runtimes(): Promise<RuntimeStatus[]> {
    return this.statuses;
  }

  private podSpec(
    name: string,
    runtime: RuntimeName | undefined,
    image: BenchImage,
    args: string[],
    volumes: { name: string; path: string }[],
    nodeName?: string,
  ): V1Pod {
    const c = runtime ? this.opts.runtimes[runtime] : undefined;
    const runtimeClassName = c && "runtimeClassName" in c ? c.runtimeClassName : undefined;
    const container: V1Container = {
      name: "app",
      image: this.opts.images[image],
      args,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
      volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.path })),
    };
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: BENCH_NAMESPACE, labels: { [BENCH_POD_LABEL]: name, "app.kubernetes.io/part-of": "clusterkit-bench" } },
      spec: {
        ...(runtimeClassName ? { runtimeClassName } : {}),
        restartPolicy: "Never",
        activeDeadlineSeconds: 900,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: "RuntimeDefault" } },
        // The load generator runs beside its server, so the node's network stack is measured, not the fabric.
        ...(nodeName
          ? {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
                  },
                },
              },
            }
          : {}),
        containers: [container],
        volumes: volumes.map((v) => ({ name: v.name, emptyDir: {} })),
      },
    };
  }

  private name(what: string): string {
    return `bench-${what}-${Date.now().toString(36)}-${++this.counter}`;
  }

  private async create(pod: V1Pod, runtime: RuntimeName | undefined): Promise<void> {
    try {
      await this.core.createNamespacedPod({ namespace: BENCH_NAMESPACE, body: pod });
      this.pods.add(pod.metadata!.name!);
    } catch (err) {
      const f = failure(err);
      if (/RuntimeClass .* not found|no runtime for/i.test(f.message)) throw new UserError(`${runtime} is not installed on ${this.target}: ${f.message}`);
      throw new UserError(`creating Pod ${pod.metadata?.name} failed: ${f.message}`);
    }
  }

  /** Resolves with the Pod once `done` holds for it (a watch, plus one read for what happened before). */
  private waitPod(name: string, done: (p: V1Pod) => boolean, what: string): Promise<V1Pod> {
    const timeoutMs = this.opts.podTimeoutMs ?? 600_000;
    return new Promise((resolve, reject) => {
      let settled = false;
      let abort: (() => void) | undefined;
      const finish = (err: Error | undefined, pod?: V1Pod) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        abort?.();
        if (err) reject(err);
        else resolve(pod!);
      };
      const check = (pod: V1Pod) => {
        const phase = pod.status?.phase;
        if (done(pod)) finish(undefined, pod);
        else if (phase === "Failed")
          finish(new UserError(`Pod ${name} failed while waiting for ${what}: ${pod.status?.reason ?? ""} ${pod.status?.message ?? ""}`.trim()));
        else if (phase === "Succeeded") finish(new UserError(`Pod ${name} ended before ${what}`));
        else {
          const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
          if (
            waiting &&
            /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError|CreateContainerConfigError|RunContainerError/.test(waiting.reason ?? "")
          )
            finish(new UserError(`Pod ${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`));
        }
      };
      const timer = setTimeout(() => finish(new UserError(`Pod ${name}: no ${what} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      this.watch
        .watch(
          `/api/v1/namespaces/${BENCH_NAMESPACE}/pods`,
          { labelSelector: `${BENCH_POD_LABEL}=${name}` },
          (_type, obj) => check(obj as V1Pod),
          (err) => {
            if (!settled) finish(new UserError(`the watch on Pod ${name} ended before ${what}${err ? `: ${(err as Error).message}` : ""}`));
          },
        )
        .then(
          (controller) => {
            abort = () => controller.abort();
            if (settled) controller.abort();
          },
          (err) => finish(new UserError(`cannot watch Pod ${name}: ${failure(err).message}`)),
        );
      this.core.readNamespacedPod({ name, namespace: BENCH_NAMESPACE }).then(check, () => undefined);
    });
  }

  private async runToEnd(app: "cpu" | "io", runtime: RuntimeName, sizes: BenchSizes): Promise<Sample> {
    const name = this.name(app);
    const volumes = app === "cpu" ? [{ name: "tmp", path: BENCH_PATHS.tmpDir }] : [{ name: "data", path: BENCH_PATHS.dataDir }];
    await this.create(this.podSpec(name, runtime, app === "cpu" ? BENCH_IMAGES.cpu : BENCH_IMAGES.io, workloadArgs(app, sizes), volumes), runtime);
    try {
      await this.waitPod(name, (p) => p.status?.phase === "Succeeded", "completion");
      return parseWorkload(app, await this.core.readNamespacedPodLog({ name, namespace: BENCH_NAMESPACE, container: "app" }));
    } finally {
      await this.delete(name);
    }
  }

  /** performance.now() of the first response byte from the Pod's server, through pods/proxy. */
  private async firstByte(name: string): Promise<number> {
    const deadline = performance.now() + (this.opts.podTimeoutMs ?? 600_000);
    for (;;) {
      try {
        await this.core.connectGetNamespacedPodProxyWithPath({ name: `${name}:${SERVE_PORT}`, namespace: BENCH_NAMESPACE, path: "" });
        return performance.now();
      } catch (err) {
        if (performance.now() > deadline) throw new UserError(`Pod ${name} did not answer HTTP: ${failure(err).message}`);
        await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 20));
      }
    }
  }

  private async net(runtime: RuntimeName, sizes: BenchSizes): Promise<Sample> {
    const server = this.name("net");
    const client = this.name("loadgen");
    await this.create(this.podSpec(server, runtime, BENCH_IMAGES.net, [...SERVE_ARGS], []), runtime);
    try {
      const running = await this.waitPod(server, (p) => !!p.status?.podIP && !!p.status?.containerStatuses?.[0]?.state?.running, "a running server");
      await this.firstByte(server);
      const url = `http://${running.status!.podIP!.includes(":") ? `[${running.status!.podIP}]` : running.status!.podIP}:${SERVE_PORT}/`;
      await this.create(this.podSpec(client, undefined, BENCH_IMAGES.loadgen, loadgenArgs(url, sizes), [], running.spec?.nodeName), undefined);
      await this.waitPod(client, (p) => p.status?.phase === "Succeeded", "the load generator's end");
      return parseLoad(await this.core.readNamespacedPodLog({ name: client, namespace: BENCH_NAMESPACE, container: "app" }));
    } finally {
      await this.delete(client);
      await this.delete(server);
    }
  }

  private async start(runtime: RuntimeName): Promise<Sample> {
    const name = this.name("start");
    const t0 = performance.now();
    await this.create(this.podSpec(name, runtime, BENCH_IMAGES.net, [...SERVE_ARGS], []), runtime);
    try {
      await this.waitPod(name, (p) => !!p.status?.containerStatuses?.[0]?.state?.running, "a running container");
      const running = performance.now();
      const firstByte = await this.firstByte(name);
      return { "start.running": running - t0, "start.firstByte": firstByte - t0 };
    } finally {
      await this.delete(name);
    }
  }

  async measure(app: BenchApp, runtime: RuntimeName, sizes: BenchSizes): Promise<Sample> {
    switch (app) {
      case "cpu":
      case "io":
        return this.runToEnd(app, runtime, sizes);
      case "net":
        return this.net(runtime, sizes);
      case "start":
        return this.start(runtime);
    }
  }

  private async delete(name: string): Promise<void> {
    if (!this.pods.has(name)) return;
    try {
      await this.core.deleteNamespacedPod({ name, namespace: BENCH_NAMESPACE, gracePeriodSeconds: 0 });
    } catch (err) {
      if (failure(err).code !== 404) this.opts.log?.(`could not delete Pod ${name}: ${failure(err).message}`);
    }
    this.pods.delete(name);
  }

  async cleanup(): Promise<void> {
    for (const name of [...this.pods]) await this.delete(name);
    if (this.createdNamespace) {
      try {
        await this.core.deleteNamespace({ name: BENCH_NAMESPACE });
      } catch (err) {
        this.opts.log?.(`could not delete namespace ${BENCH_NAMESPACE}: ${failure(err).message}`);
      }
    }
  }
}
