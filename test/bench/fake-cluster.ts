/**
 * A cluster for the benchmark's Kubernetes backend: the fake API server with a ClusterRole holding
 * exactly the calls the backend documents (src/bench/kube.ts), the RuntimeClasses the charts
 * synthesize, and a PodRunner that plays the bench images. Each runtime has a known speed, so the
 * expected medians and ratios are computable: the test checks that the backend reads, times and
 * attributes every measurement to the right runtime.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { FakeKubeApi, type PodControl } from "../support/fake-kube/server";
import type { K8sObject } from "../faas/fixtures";

/** Work time factor per RuntimeClass (no class = runc). */
export const SPEED: Readonly<Record<string, number>> = { "": 1, gvisor: 3 };
export const BASE = { compileMs: 100, kernelMs: 40, writeMs: 50, readMs: 10, elapsedSeconds: 0.5, p50: 2 };
export const LOADGEN_REQUESTS = 200;

const BENCH_RBAC: K8sObject[] = [
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "clusterkit-bench" },
    rules: [
      { apiGroups: [""], resources: ["namespaces"], verbs: ["create", "get", "delete"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "watch", "delete"] },
      { apiGroups: [""], resources: ["pods/log", "pods/proxy"], verbs: ["get"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "clusterkit-bench" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "clusterkit-bench" },
    subjects: [{ kind: "ServiceAccount", name: "runner", namespace: "kube-system" }],
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchCluster {
  readonly api: FakeKubeApi;
  /** Every Pod as created, in order. */
  readonly created: V1Pod[];
}

export async function startBenchCluster(runtimeClasses: readonly K8sObject[]): Promise<BenchCluster> {
  const created: V1Pod[] = [];
  const servers = new Map<string, V1Pod>();
  let ip = 10;
  const api = await FakeKubeApi.start({
    objects: [...BENCH_RBAC, ...runtimeClasses],
    serviceAccount: "kube-system/runner",
    runtimeClassesKnown: true,
    runner: {
      start(pod: V1Pod, ctl: PodControl) {
        created.push(pod);
        void play(pod, ctl, `10.244.1.${ip++}`, servers);
      },
    },
  });
  return { api, created };
}

async function play(pod: V1Pod, ctl: PodControl, podIP: string, servers: Map<string, V1Pod>): Promise<void> {
  const c = pod.spec!.containers[0]!;
  const speed = SPEED[pod.spec!.runtimeClassName ?? ""] ?? 1;
  const t0 = new Date();
  const running = {
    phase: "Running",
    podIP,
    startTime: t0,
    containerStatuses: [{ name: c.name, image: c.image!, imageID: "", ready: true, restartCount: 0, state: { running: { startedAt: t0 } } }],
  };
  const done = (log: string) => {
    ctl.setLog(c.name, log);
    ctl.setStatus({
      phase: "Succeeded",
      containerStatuses: [
        {
          name: c.name,
          image: c.image!,
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: "Completed", startedAt: t0, finishedAt: new Date() } },
        },
      ],
    });
  };
  await sleep(20 * speed);
  ctl.setStatus(running);
  const image = c.image ?? "";
  if (image.includes("/bench-cpu:")) {
    done(`compiling...\n{"app":"cpu","compileMs":${BASE.compileMs * speed},"kernelMs":${BASE.kernelMs * speed},"compiles":1,"matrixN":160,"checksum":"1"}\n`);
  } else if (image.includes("/bench-io:")) {
    // The app writes to the pod's volume: without one at /data it fails, as it would.
    const hasVolume = (c.volumeMounts ?? []).some((m) => m.mountPath === "/data") && (pod.spec!.volumes ?? []).some((v) => v.emptyDir);
    if (!hasVolume) {
      ctl.setLog(c.name, "bench-workload: /data/bench-0.dat: Read-only file system\n");
      ctl.setStatus({ phase: "Failed", reason: "Error", message: "exit 2" });
      return;
    }
    done(`{"app":"io","writeMs":${BASE.writeMs * speed},"readMs":${BASE.readMs * speed},"removeMs":1,"files":8,"fileKiB":256,"checksum":"2"}\n`);
  } else if (image.includes("/bench-net:")) {
    servers.set(podIP, pod);
    await sleep(60 * speed);
    ctl.serve!(8080, () => "ok\n");
  } else if (image.includes("/bench-loadgen:")) {
    const target = new URL(c.args![0]!);
    const server = servers.get(target.hostname);
    if (!server || target.port !== "8080") {
      done(
        JSON.stringify({
          requests: LOADGEN_REQUESTS,
          errors: LOADGEN_REQUESTS,
          statusCounts: {},
          errorCounts: { ECONNREFUSED: LOADGEN_REQUESTS },
          pods: {},
          elapsedSeconds: 1,
          stoppedBy: "requests",
        }) + "\n",
      );
      return;
    }
    const s = SPEED[server.spec!.runtimeClassName ?? ""] ?? 1;
    done(
      JSON.stringify({
        requests: LOADGEN_REQUESTS,
        errors: 0,
        statusCounts: { 200: LOADGEN_REQUESTS },
        errorCounts: {},
        latency: { p50: BASE.p50 * s, p95: 9, max: 20 },
        pods: {},
        elapsedSeconds: BASE.elapsedSeconds * s,
        stoppedBy: "requests",
      }) + "\n",
    );
  }
}
