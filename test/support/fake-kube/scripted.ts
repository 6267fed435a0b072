/**
 * The fast tier's PodRunner: each created Pod follows a script — start, run, then end with a
 * result frame printed by the report container, an OOM kill, a deadline, an eviction, or a waiting
 * reason that never clears — with the container statuses a kubelet reports for each.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { REPORT_CONTAINER, RUN_CONTAINER } from "../../../service/contract/executor";
import type { PodControl, PodRunner } from "./server";

export type PodEnd =
  | { readonly kind: "report"; readonly log: string }
  | { readonly kind: "oom" }
  | { readonly kind: "deadline"; readonly started: boolean; readonly waiting?: string }
  | { readonly kind: "evicted"; readonly message: string }
  | { readonly kind: "waiting"; readonly reason: string };

export interface PodScript {
  /** Time the run container runs. @default 20 */
  readonly runMs?: number;
  /** The Pod stays running until this settles (a test kills a replica meanwhile). */
  readonly hold?: Promise<unknown>;
  readonly end: PodEnd;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const image = (pod: V1Pod, name: string) => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name)?.image ?? "";

function cs(pod: V1Pod, name: string, state: V1ContainerStatus["state"]): V1ContainerStatus {
  return { name, image: image(pod, name), imageID: "", ready: false, restartCount: 0, state };
}

export function scriptedRunner(script: (pod: V1Pod) => PodScript): PodRunner & { readonly started: string[] } {
  const started: string[] = [];
  return {
    started,
    start(pod: V1Pod, ctl: PodControl) {
      started.push(pod.metadata!.name!);
      void run(pod, ctl, script(pod));
    },
  };
}

async function run(pod: V1Pod, ctl: PodControl, s: PodScript): Promise<void> {
  const t0 = new Date();
  const waitingReport = cs(pod, REPORT_CONTAINER, { waiting: { reason: "PodInitializing" } });
  if (s.end.kind === "waiting" || (s.end.kind === "deadline" && !s.end.started)) {
    const reason = s.end.kind === "waiting" ? s.end.reason : (s.end.waiting ?? "ContainerCreating");
    ctl.setStatus({ phase: "Pending", initContainerStatuses: [cs(pod, RUN_CONTAINER, { waiting: { reason } })], containerStatuses: [waitingReport] });
    if (s.end.kind === "waiting") return;
    await sleep(s.runMs ?? 20);
    ctl.setStatus({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" });
    return;
  }
  ctl.setStatus({
    phase: "Pending",
    startTime: t0,
    initContainerStatuses: [cs(pod, RUN_CONTAINER, { running: { startedAt: t0 } })],
    containerStatuses: [waitingReport],
  });
  await sleep(s.runMs ?? 20);
  if (s.hold) await s.hold.catch(() => undefined);
  if (ctl.deleted) return;
  const t1 = new Date();
  switch (s.end.kind) {
    case "report": {
      ctl.setLog(RUN_CONTAINER, "");
      ctl.setLog(REPORT_CONTAINER, s.end.log);
      const done = (name: string): V1ContainerStatus => cs(pod, name, { terminated: { exitCode: 0, reason: "Completed", startedAt: t0, finishedAt: t1 } });
      ctl.setStatus({ phase: "Succeeded", initContainerStatuses: [done(RUN_CONTAINER)], containerStatuses: [done(REPORT_CONTAINER)] });
      return;
    }
    case "oom":
      ctl.setLog(RUN_CONTAINER, "");
      ctl.setStatus({
        phase: "Failed",
        initContainerStatuses: [cs(pod, RUN_CONTAINER, { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: t0, finishedAt: t1 } })],
        containerStatuses: [waitingReport],
      });
      return;
    case "deadline":
      ctl.setStatus({
        phase: "Failed",
        reason: "DeadlineExceeded",
        message: "Pod was active on the node longer than the specified deadline",
        initContainerStatuses: [cs(pod, RUN_CONTAINER, { terminated: { exitCode: 137, reason: "Error", startedAt: t0, finishedAt: t1 } })],
        containerStatuses: [waitingReport],
      });
      return;
    case "evicted":
      ctl.setStatus({
        phase: "Failed",
        reason: "Evicted",
        message: s.end.message,
        initContainerStatuses: [cs(pod, RUN_CONTAINER, { terminated: { exitCode: 137, reason: "Error", startedAt: t0, finishedAt: t1 } })],
        containerStatuses: [waitingReport],
      });
      return;
  }
}
