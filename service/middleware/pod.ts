/**
 * The executor Pod for one job: the chart's PodTemplate for the language (the security policy
 * lives there), plus the job's deterministic name, its labels and the source annotation
 * (service/contract/executor.ts). Nothing from the job reaches the spec except the encoded
 * source, which is an annotation value (data, projected as a file by the downward API).
 */
import type { V1Pod, V1PodTemplate } from "@kubernetes/client-node";
import { EXECUTOR_LABELS, executorPodName, SOURCE_ANNOTATION } from "../contract/executor";
import type { Language } from "../contract/languages";

export interface PodJob {
  readonly id: string;
  readonly userId: string;
  readonly language: Language;
  /** encodeSource(files): the JSON the runner reads from /job/source.json. */
  readonly encodedSource: string;
}

/** Label every Pod the middleware creates carries (with the template's own labels). */
const MANAGED_BY = { "app.kubernetes.io/managed-by": "faas-middleware" } as const;

export function executorPod(template: V1PodTemplate, job: PodJob, namespace: string): V1Pod {
  const spec = template.template?.spec;
  if (!spec) throw new Error(`PodTemplate ${template.metadata?.name ?? "?"} has no template.spec`);
  const meta = template.template?.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: executorPodName(job.id),
      namespace,
      labels: {
        ...(meta.labels ?? {}),
        ...MANAGED_BY,
        [EXECUTOR_LABELS.job]: job.id,
        [EXECUTOR_LABELS.user]: job.userId,
        [EXECUTOR_LABELS.language]: job.language,
      },
      annotations: { ...(meta.annotations ?? {}), [SOURCE_ANNOTATION]: job.encodedSource },
    },
    // A deep copy: the cached template is shared by every job of the language.
    spec: structuredClone(spec),
  };
}

/** Label selector of every executor Pod the middleware created (reconciliation lists these). */
export function executorSelector(): string {
  return [`app.kubernetes.io/managed-by=${MANAGED_BY["app.kubernetes.io/managed-by"]}`, EXECUTOR_LABELS.job, EXECUTOR_LABELS.user].join(",");
}
