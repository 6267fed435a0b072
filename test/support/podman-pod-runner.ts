/**
 * The fake API server's PodRunner (test/support/fake-kube/server.ts) that runs each created Pod
 * for real with podman (`runPod`), for the end-to-end tier:
 *
 *   const api = await FakeKubeApi.start({ objects, runner: podmanPodRunner() });
 *
 * Status goes as a kubelet reports it: Pending with the first init container running, then
 * Succeeded or Failed with every container's terminated (or waiting) state. Logs are set before
 * the final status, so a client that sees the Pod done can read them. A Pod deleted while it runs
 * has its containers killed (best effort: a container podman is still creating may finish).
 */
import type { V1ContainerStatus, V1Pod, V1PodStatus } from "@kubernetes/client-node";
import type { PodControl, PodRunner } from "./fake-kube/server";
import { type ContainerStatus, type PodRunResult, runPod, type RunPodOptions } from "./podman-pod";

export interface PodmanPodRunner extends PodRunner {
  /** One promise per started Pod, settled when its containers are done (await them in afterAll). */
  readonly runs: Promise<PodRunResult | undefined>[];
}

export function podmanPodRunner(options: RunPodOptions = {}): PodmanPodRunner {
  const runs: Promise<PodRunResult | undefined>[] = [];
  return {
    runs,
    start(pod: V1Pod, ctl: PodControl) {
      runs.push(drive(pod, ctl, options));
    },
  };
}

async function drive(pod: V1Pod, ctl: PodControl, options: RunPodOptions): Promise<PodRunResult | undefined> {
  const startTime = new Date();
  const spec = pod.spec!;
  const images = new Map([...(spec.initContainers ?? []), ...spec.containers].map((c) => [c.name, c.image ?? ""]));
  const first = spec.initContainers?.[0]?.name ?? spec.containers[0]?.name;
  ctl.setStatus({
    phase: "Pending",
    startTime,
    initContainerStatuses: (spec.initContainers ?? []).map((c) =>
      status(c.name, images, c.name === first ? { running: { startedAt: startTime } } : { waiting: { reason: "PodInitializing" } }),
    ),
    containerStatuses: spec.containers.map((c) => status(c.name, images, { waiting: { reason: "PodInitializing" } })),
  });
  const abort = new AbortController();
  const watch = setInterval(() => ctl.deleted && abort.abort(), 200);
  try {
    const result = await runPod(pod, { ...options, signal: abort.signal });
    if (ctl.deleted) return result;
    for (const [name, log] of Object.entries(result.logs)) ctl.setLog(name, log);
    const final: V1PodStatus = {
      phase: result.phase,
      startTime,
      ...(result.reason === "DeadlineExceeded" ? { reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" } : {}),
      initContainerStatuses: result.initContainerStatuses.map((c) => terminated(c, images)),
      containerStatuses: result.containerStatuses.map((c) => terminated(c, images)),
    };
    ctl.setStatus(final);
    return result;
  } finally {
    clearInterval(watch);
  }
}

function status(name: string, images: ReadonlyMap<string, string>, state: V1ContainerStatus["state"]): V1ContainerStatus {
  return { name, image: images.get(name) ?? "", imageID: "", ready: false, restartCount: 0, state };
}

function terminated(c: ContainerStatus, images: ReadonlyMap<string, string>): V1ContainerStatus {
  if (c.exitCode === null) return status(c.name, images, { waiting: { reason: c.reason } });
  return status(c.name, images, { terminated: { exitCode: c.exitCode, reason: c.reason, startedAt: c.startedAt, finishedAt: c.finishedAt } });
}
