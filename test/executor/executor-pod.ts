/**
 * The executor Pod as service/contract/executor.ts lays it out, built here for the tests: the
 * chart's PodTemplate plus what the middleware fills in (name, labels, the source annotation).
 * service/executor/README.md lists the settings the chart must carry; this is them, in code.
 */
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import {
  EXECUTOR_LABELS,
  EXECUTOR_PATHS,
  type ExecutorLimits,
  executorPodName,
  LIMIT_ENV,
  REPORT_CONTAINER,
  RUN_CONTAINER,
  SOURCE_ANNOTATION,
} from "../../service/contract/executor";
import type { Language } from "../../service/contract/languages";
import { encodeSource, type SourceFile } from "../../service/contract/source";

export const EXECUTOR_UID = 1000;

/**
 * Limits the tests run with unless a case says otherwise. The run timeout is generous because
 * the machine is shared and gVisor is slow to start processes (a JavaScript process flood reaches
 * 64 processes only after about three seconds there); the time-limit case sets its own.
 */
export const TEST_LIMITS: ExecutorLimits = {
  compileTimeoutMs: 30_000,
  runTimeoutMs: 10_000,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 1024 * 1024,
  maxProcesses: 64,
};

export interface ExecutorPodOptions {
  readonly jobId: string;
  readonly userId?: string;
  readonly language: Language;
  readonly files: readonly SourceFile[];
  readonly image: string;
  readonly limits?: ExecutorLimits;
  /** Memory the run container gets on top of the job's budget (the runner, gVisor's sentry). */
  readonly memoryHeadroomBytes: number;
  /** @default "500m" */
  readonly cpu?: string;
  /** "gvisor" to sandbox. @default none */
  readonly runtimeClassName?: string;
  /** @default 120 */
  readonly activeDeadlineSeconds?: number;
}

const restricted: ISecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};

export function executorPod(o: ExecutorPodOptions): IPod {
  const limits = o.limits ?? TEST_LIMITS;
  const cpu = o.cpu ?? "500m";
  const run: IContainer = {
    name: RUN_CONTAINER,
    image: o.image,
    command: [EXECUTOR_PATHS.runner, "run"],
    env: [
      { name: LIMIT_ENV.language, value: o.language },
      { name: LIMIT_ENV.compileTimeoutMs, value: String(limits.compileTimeoutMs) },
      { name: LIMIT_ENV.runTimeoutMs, value: String(limits.runTimeoutMs) },
      { name: LIMIT_ENV.memoryBytes, value: String(limits.memoryBytes) },
      { name: LIMIT_ENV.outputBytes, value: String(limits.outputBytes) },
      { name: LIMIT_ENV.maxProcesses, value: String(limits.maxProcesses) },
    ],
    resources: {
      requests: { cpu, memory: String(limits.memoryBytes + o.memoryHeadroomBytes) },
      limits: { cpu, memory: String(limits.memoryBytes + o.memoryHeadroomBytes) },
    },
    securityContext: restricted,
    volumeMounts: [
      { name: "job", mountPath: EXECUTOR_PATHS.jobDir, readOnly: true },
      { name: "work", mountPath: EXECUTOR_PATHS.workDir },
      { name: "results", mountPath: EXECUTOR_PATHS.resultsDir },
      { name: "tmp", mountPath: EXECUTOR_PATHS.tmpDir },
    ],
  };
  const report: IContainer = {
    name: REPORT_CONTAINER,
    image: o.image,
    command: [EXECUTOR_PATHS.runner, "report"],
    // The archive (≤ 6 MiB) and its frame (≤ 8.2 MiB) in memory, plus gVisor's own overhead.
    resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "64Mi" } },
    securityContext: restricted,
    volumeMounts: [{ name: "results", mountPath: EXECUTOR_PATHS.resultsDir, readOnly: true }],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: executorPodName(o.jobId),
      labels: { [EXECUTOR_LABELS.job]: o.jobId, [EXECUTOR_LABELS.user]: o.userId ?? "test-user", [EXECUTOR_LABELS.language]: o.language },
      annotations: { [SOURCE_ANNOTATION]: encodeSource(o.files) },
    },
    spec: {
      ...(o.runtimeClassName ? { runtimeClassName: o.runtimeClassName } : {}),
      restartPolicy: "Never",
      activeDeadlineSeconds: o.activeDeadlineSeconds ?? 120,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 5,
      securityContext: { runAsNonRoot: true, runAsUser: EXECUTOR_UID, runAsGroup: EXECUTOR_UID, fsGroup: EXECUTOR_UID, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [run],
      containers: [report],
      volumes: [
        {
          name: "job",
          downwardAPI: { items: [{ path: EXECUTOR_PATHS.sourceFile.slice(EXECUTOR_PATHS.jobDir.length + 1), fieldRef: { fieldPath: `metadata.annotations['${SOURCE_ANNOTATION}']` } }] },
        },
        { name: "work", emptyDir: { sizeLimit: "64Mi" } },
        { name: "results", emptyDir: { sizeLimit: "64Mi" } },
        { name: "tmp", emptyDir: { sizeLimit: "512Mi" } },
      ],
    },
  };
}
