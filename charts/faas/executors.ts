/**
 * Executors: one PodTemplate per language that the middleware instantiates, so the security
 * policy lives here rather than in the middleware's code (layout: service/contract/executor.ts).
 * The untrusted job runs in the init container `run` under the trusted runner; the container
 * `report` (same image) then prints the result frame the middleware reads through `pods/log`.
 * The job holds no credentials and (NetworkPolicy) no network. A LimitRange and ResourceQuota
 * bound the namespace; the Pods run under `faas.executors.runtime` (gVisor locally by default).
 */
import { Construct } from "constructs";
import { EXECUTOR_MEMORY_HEADROOM_BYTES, EXECUTOR_PATHS, LIMIT_ENV, REPORT_CONTAINER, RUN_CONTAINER, SOURCE_ANNOTATION } from "../../service/contract/executor";
import type { RuntimeClassSpec } from "../../src/contracts/runtimes";
import type { FaasConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { restrictedContainer, restrictedPod } from "../shared/pod-security";
import { quantityBytes, quantityMillicores } from "../shared/quantity";
import { guaranteed } from "../shared/workload";
import { executorTemplateName, LANGUAGES, type Language } from "./names";
import { componentLabels, COMPONENTS, LANGUAGE_LABEL } from "../../src/contracts/faas";

/** The `faas.executors` section. */
export type ExecutorsConfig = FaasConfig["executors"];

export const EXECUTOR_UID = 1000;
/** The report container only reads /results and prints it (base64 of at most 6 MiB). */
const REPORT_RESOURCES = { cpu: "100m", memory: "64Mi" } as const;
/** Scratch bounds per emptyDir; a job filling one is evicted (reported as output-limit). */
const SCRATCH = { work: "64Mi", results: "32Mi", tmp: "256Mi" } as const;

function executorLabels(lang: Language): Record<string, string> {
  return { ...componentLabels(COMPONENTS.executor), [LANGUAGE_LABEL]: lang };
}

function mebibytes(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20}Mi` : String(bytes);
}

/** The run container's memory limit: the job's budget plus the runner's headroom. */
export function executorMemory(faas: { readonly executors: Pick<ExecutorsConfig, "limits"> }): string {
  // The runner's headroom (measured in service/executor/README.md) is part of the executor contract.
  return mebibytes(quantityBytes(faas.executors.limits.memory) + EXECUTOR_MEMORY_HEADROOM_BYTES);
}

/** The limits as the runner reads them (service/contract/executor.ts LIMIT_ENV). */
function limitEnv(executors: Pick<ExecutorsConfig, "limits">, lang: Language): k8s.EnvVar[] {
  const l = executors.limits;
  return [
    { name: LIMIT_ENV.language, value: lang },
    { name: LIMIT_ENV.compileTimeoutMs, value: String(l.compileTimeoutSeconds * 1000) },
    { name: LIMIT_ENV.runTimeoutMs, value: String(l.runTimeoutSeconds * 1000) },
    { name: LIMIT_ENV.memoryBytes, value: String(quantityBytes(l.memory)) },
    { name: LIMIT_ENV.outputBytes, value: String(quantityBytes(l.output)) },
    { name: LIMIT_ENV.maxProcesses, value: String(l.processes) },
  ];
}

/**
 * The Pod of one job in `lang`: the run and report containers, the job's source projected from
 * its annotation, bounded scratch volumes, under `runtimeClass` (undefined: runc).
 */
function executorPodSpec(executors: ExecutorsConfig, lang: Language, runtimeClass?: RuntimeClassSpec): k8s.PodSpec {
  const image = executors.images[lang];
  const volume = (name: keyof typeof SCRATCH): k8s.Volume => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(SCRATCH[name]) } });
  return {
    ...(runtimeClass ? { runtimeClassName: runtimeClass.name } : {}),
    restartPolicy: "Never",
    activeDeadlineSeconds: executors.deadlineSeconds,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 5,
    securityContext: restrictedPod(EXECUTOR_UID),
    initContainers: [
      {
        name: RUN_CONTAINER,
        image,
        imagePullPolicy: "IfNotPresent",
        command: [EXECUTOR_PATHS.runner, "run"],
        workingDir: EXECUTOR_PATHS.workDir,
        // Compilers and package managers write caches under $HOME.
        env: [...limitEnv(executors, lang), { name: "HOME", value: EXECUTOR_PATHS.tmpDir }],
        // Requests = limits: untrusted code gets exactly what was scheduled (Guaranteed QoS).
        resources: guaranteed({ cpu: executors.cpuLimit, memory: executorMemory({ executors }) }),
        securityContext: restrictedContainer(EXECUTOR_UID),
        volumeMounts: [
          { name: "job", mountPath: EXECUTOR_PATHS.jobDir, readOnly: true },
          { name: "work", mountPath: EXECUTOR_PATHS.workDir },
          { name: "results", mountPath: EXECUTOR_PATHS.resultsDir },
          { name: "tmp", mountPath: EXECUTOR_PATHS.tmpDir },
        ],
      },
    ],
    containers: [
      {
        name: REPORT_CONTAINER,
        image,
        imagePullPolicy: "IfNotPresent",
        command: [EXECUTOR_PATHS.runner, "report"],
        resources: guaranteed(REPORT_RESOURCES),
        securityContext: restrictedContainer(EXECUTOR_UID),
        volumeMounts: [{ name: "results", mountPath: EXECUTOR_PATHS.resultsDir, readOnly: true }],
      },
    ],
    volumes: [
      // The source: the annotation the middleware sets, projected as /job/source.json.
      {
        name: "job",
        downwardApi: {
          items: [
            {
              path: EXECUTOR_PATHS.sourceFile.slice(EXECUTOR_PATHS.jobDir.length + 1),
              fieldRef: { fieldPath: `metadata.annotations['${SOURCE_ANNOTATION}']` },
            },
          ],
        },
      },
      volume("work"),
      volume("results"),
      volume("tmp"),
    ],
  };
}

export interface ExecutorsProps {
  /** The executor namespace. */
  readonly namespace: string;
  /** The `faas.executors` section: images, limits, deadline, CPU and the namespace's pod budget. */
  readonly executors: ExecutorsConfig;
  /** RuntimeClass of the executors' runtime (its overhead counts against the quota). @default none: runc */
  readonly runtimeClass?: RuntimeClassSpec;
}

/** The PodTemplates the middleware instantiates, and the LimitRange and quotas bounding the namespace. */
export class Executors extends Construct {
  constructor(scope: Construct, id: string, props: ExecutorsProps) {
    super(scope, id);
    const { executors } = props;
    const ns = props.namespace;
    for (const lang of LANGUAGES) {
      new k8s.KubePodTemplate(this, `executor-${lang}`, {
        metadata: { name: executorTemplateName(lang), namespace: ns, labels: executorLabels(lang) },
        template: { metadata: { labels: executorLabels(lang) }, spec: executorPodSpec(executors, lang, props.runtimeClass) },
      });
    }

    const cpu = k8s.Quantity.fromString(executors.cpuLimit);
    const memory = k8s.Quantity.fromString(executorMemory({ executors }));
    const labels = componentLabels(COMPONENTS.executor);
    // A pod created without the template still gets limits, and none can exceed the run container's.
    new k8s.KubeLimitRange(this, "executor-limits", {
      metadata: { name: "executor-limits", namespace: ns, labels },
      spec: { limits: [{ type: "Container", max: { cpu, memory }, default: { cpu, memory }, defaultRequest: { cpu, memory } }] },
    });
    // A sandbox's own overhead (RuntimeClass) counts against the quota too: reserve it per Pod.
    const overhead = props.runtimeClass?.overhead;
    const totalCpu = k8s.Quantity.fromString(
      `${(quantityMillicores(executors.cpuLimit) + (overhead ? quantityMillicores(overhead.cpu) : 0)) * executors.maxPods}m`,
    );
    // A Pod's effective request is the larger of its init container and its regular containers: the run container.
    const totalMemory = k8s.Quantity.fromString(
      mebibytes((quantityBytes(executorMemory({ executors })) + (overhead ? quantityBytes(overhead.memory) : 0)) * executors.maxPods),
    );
    // Scope Terminating: pods with activeDeadlineSeconds, i.e. executors. The pre-pull DaemonSet's
    // pods have none and are bounded by their own quota (prepull.ts), so they never take a job's slot.
    new k8s.KubeResourceQuota(this, "executor-quota", {
      metadata: { name: "executor-quota", namespace: ns, labels },
      spec: {
        scopes: ["Terminating"],
        hard: {
          pods: k8s.Quantity.fromNumber(executors.maxPods),
          "requests.cpu": totalCpu,
          "limits.cpu": totalCpu,
          "requests.memory": totalMemory,
          "limits.memory": totalMemory,
        },
      },
    });
    // Scoped quotas may only count pod resources; the object counts live in an unscoped one.
    new k8s.KubeResourceQuota(this, "executor-objects-quota", {
      metadata: { name: "executor-objects", namespace: ns, labels },
      spec: {
        hard: {
          // Executors need none of these; a compromised middleware cannot create them either way.
          services: k8s.Quantity.fromNumber(0),
          "services.loadbalancers": k8s.Quantity.fromNumber(0),
          "services.nodeports": k8s.Quantity.fromNumber(0),
          persistentvolumeclaims: k8s.Quantity.fromNumber(0),
        },
      },
    });
  }
}
