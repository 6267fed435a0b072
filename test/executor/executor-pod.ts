/**
 * An executor Pod exactly as production makes it: the chart's PodTemplate for the language,
 * synthesized for the `local` environment (with the test's limits as configuration), turned into a
 * Pod by the middleware's own `executorPod` (name, labels, source annotation).
 */
import type { V1Pod, V1PodTemplate } from "@kubernetes/client-node";
import { executorTemplateName } from "../../charts/faas/names";
import { type ExecutorLimits, LIMIT_ENV, RUN_CONTAINER } from "../../service/contract/executor";
import { newJobId } from "../../service/contract/job";
import type { Language } from "../../service/contract/languages";
import { encodeSource, type SourceFile } from "../../service/contract/source";
import { executorPod } from "../../service/middleware/pod";
import type { ExecutorLimitsConfig } from "../../src/config/schema";
import type { Runtime } from "../support/podman-env";
import { environment, find, synthFaas } from "../faas/fixtures";

export interface JobPodOptions {
  readonly language: Language;
  readonly files: readonly SourceFile[];
  /** gVisor (runsc) sets `faas.executors.runtime: gvisor`, so the template names the gvisor RuntimeClass. */
  readonly runtime: Runtime;
  /** Configuration overrides of `faas.executors.limits`. @default the chart's defaults */
  readonly limits?: Partial<ExecutorLimitsConfig>;
  /** Replaces the chart's headroom: the run container's memory becomes budget + this. @default the chart's */
  readonly memoryHeadroomBytes?: number;
}

const templates = new Map<string, { template: V1PodTemplate; namespace: string }>();

function template(o: JobPodOptions): { template: V1PodTemplate; namespace: string } {
  const key = JSON.stringify([o.language, o.runtime, o.limits ?? {}]);
  let t = templates.get(key);
  if (!t) {
    const env = environment("local", {
      faas: { executors: { runtime: o.runtime === "runsc" ? "gvisor" : "runc", ...(o.limits ? { limits: o.limits } : {}) } },
    });
    const namespace = env.config.faas.executorNamespace;
    t = { template: find(synthFaas(env).all, "PodTemplate", executorTemplateName(o.language), namespace) as unknown as V1PodTemplate, namespace };
    templates.set(key, t);
  }
  return t;
}

/** The limits the run container's environment gives the runner. */
export function podLimits(pod: V1Pod): ExecutorLimits {
  const env = new Map((pod.spec?.initContainers?.find((c) => c.name === RUN_CONTAINER)?.env ?? []).map((e) => [e.name, Number(e.value)]));
  return {
    compileTimeoutMs: env.get(LIMIT_ENV.compileTimeoutMs)!,
    runTimeoutMs: env.get(LIMIT_ENV.runTimeoutMs)!,
    memoryBytes: env.get(LIMIT_ENV.memoryBytes)!,
    outputBytes: env.get(LIMIT_ENV.outputBytes)!,
    maxProcesses: env.get(LIMIT_ENV.maxProcesses)!,
  };
}

export function jobPod(o: JobPodOptions): V1Pod {
  const { template: t, namespace } = template(o);
  const pod = executorPod(
    t,
    { id: newJobId(), userId: "u0123456789abcdef0123456789abcdef", language: o.language, encodedSource: encodeSource(o.files) },
    namespace,
  );
  if (o.memoryHeadroomBytes !== undefined) {
    const run = pod.spec!.initContainers!.find((c) => c.name === RUN_CONTAINER)!;
    const memory = String(podLimits(pod).memoryBytes + o.memoryHeadroomBytes);
    run.resources = { requests: { ...run.resources?.requests, memory }, limits: { ...run.resources?.limits, memory } };
  }
  return pod;
}
