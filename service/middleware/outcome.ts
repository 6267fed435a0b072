/**
 * A finished executor Pod's final job state. The runner's summary (read from the result frame the
 * trusted report container printed) says how the program ended; when there is no valid summary,
 * the Pod's status says why: the kernel OOM-killed the run container (the job outgrew even the
 * runner's headroom), the Pod outlived activeDeadlineSeconds, the image could not be pulled, the
 * kubelet evicted it (a scratch emptyDir over its sizeLimit), or something broke the frame.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { type ExecutorSummary, type Outcome, REPORT_CONTAINER, RUN_CONTAINER } from "../contract/executor";
import type { JobResult } from "../contract/job";
import type { JobStatus } from "../contract/status";

export interface FinalState {
  readonly status: JobStatus;
  readonly limit?: JobResult["limit"];
  /** For people: why the job failed or which limit it hit. */
  readonly error?: string;
}

const OUTCOME_STATUS: Readonly<Record<Outcome, JobStatus>> = {
  ok: "finished",
  "compile-error": "compile-error",
  "runtime-error": "runtime-error",
  "time-limit": "time-limit",
  "memory-limit": "memory-limit",
  "process-limit": "process-limit",
  "output-limit": "output-limit",
  rejected: "rejected",
  "internal-error": "failed",
};

const IMAGE_PULL_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable"]);
/** Waiting reasons that never resolve on their own: the job fails now instead of at its deadline. */
const PERMANENT_WAITING = new Set(["InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError"]);

export function stateFromSummary(summary: ExecutorSummary): FinalState {
  const status = OUTCOME_STATUS[summary.outcome];
  const limit: JobResult["limit"] =
    summary.outcome === "time-limit"
      ? summary.phase === "compile"
        ? "compile-time"
        : "run-time"
      : summary.outcome === "memory-limit"
        ? "memory"
        : summary.outcome === "process-limit"
          ? "processes"
          : summary.outcome === "output-limit"
            ? "output"
            : undefined;
  const error =
    summary.outcome === "internal-error" || summary.outcome === "rejected" ? (summary.message ?? `the runner reported ${summary.outcome}`) : undefined;
  return { status, ...(limit ? { limit } : {}), ...(error ? { error } : {}) };
}

function statusOf(pod: V1Pod, name: string): V1ContainerStatus | undefined {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((c) => c.name === name);
}

function started(c: V1ContainerStatus | undefined): boolean {
  return !!(c?.state?.running || c?.state?.terminated || c?.lastState?.terminated);
}

function waitingReason(pod: V1Pod): string | undefined {
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const r = c.state?.waiting?.reason;
    if (r) return r;
  }
  return undefined;
}

/** The final state when there is no valid result frame; `frameProblem` says what was wrong with it. */
export function stateFromPod(pod: V1Pod, frameProblem: string): FinalState {
  const run = statusOf(pod, RUN_CONTAINER);
  const report = statusOf(pod, REPORT_CONTAINER);
  const waiting = waitingReason(pod);
  if (run?.state?.terminated?.reason === "OOMKilled")
    return { status: "memory-limit", limit: "memory", error: "the run container was killed for exceeding its memory limit" };
  if (waiting && IMAGE_PULL_FAILURES.has(waiting)) return { status: "failed", error: `the executor image could not be pulled (${waiting})` };
  if (waiting && PERMANENT_WAITING.has(waiting)) return { status: "failed", error: `the executor Pod could not start (${waiting})` };
  if (pod.status?.reason === "DeadlineExceeded") {
    if (!started(run)) return { status: "failed", error: "the executor Pod's deadline passed before the job started (scheduling or image pull too slow)" };
    return { status: "time-limit", limit: "run-time", error: "the job outran the executor Pod's deadline (activeDeadlineSeconds)" };
  }
  if (pod.status?.reason === "Evicted") {
    const msg = pod.status.message ?? "";
    // The kubelet evicts a Pod whose emptyDir outgrows its sizeLimit: the job wrote too much.
    if (/emptydir/i.test(msg)) return { status: "output-limit", limit: "output", error: `evicted: ${msg}` };
    return { status: "failed", error: `the executor Pod was evicted${msg ? `: ${msg}` : ""}` };
  }
  if (report?.state?.terminated?.reason === "OOMKilled") return { status: "failed", error: "the report container ran out of memory" };
  return { status: "failed", error: `no valid result from the executor: ${frameProblem}` };
}

/** True when the Pod will not change any more (its containers are done, or it can never start). */
export function podIsDone(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return true;
  const waiting = waitingReason(pod);
  return waiting !== undefined && PERMANENT_WAITING.has(waiting);
}

/** When the Pod finished, from its containers (so a retried collection writes the same zip); `fallback` otherwise. */
export function podFinishedAt(pod: V1Pod, fallback: string): string {
  const times = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((c) => c.state?.terminated?.finishedAt)
    .filter((t): t is Date => t !== undefined && t !== null)
    .map((t) => new Date(t).getTime())
    .filter((t) => Number.isFinite(t));
  return times.length ? new Date(Math.max(...times)).toISOString() : fallback;
}
