/**
 * Executors: one PodTemplate per language that the middleware instantiates, so the security
 * policy lives here rather than in the middleware's code; a LimitRange and ResourceQuota bound
 * the namespace; the gVisor RuntimeClass sandboxes them when enabled.
 */
import type { Construct } from "constructs";
import type { Environment, FaasConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { componentLabels, COMPONENTS, executorTemplateName, LANGUAGE_LABEL, LANGUAGES, type Language, natsUrl } from "./names";
import { natsClientEnv } from "./nats-auth";
import { quantityBytes, quantityMillicores } from "./resources";
import { restrictedContainer, restrictedPod } from "../shared/pod-security";

/** RuntimeClass name and the containerd runtime (handler) the node bootstrap registers. */
export const GVISOR_RUNTIME_CLASS = "gvisor";
export const GVISOR_HANDLER = "runsc";

export const EXECUTOR_UID = 1000;
/** Where the job's code is unpacked and built (the root filesystem is read-only). */
export const EXECUTOR_WORK_DIR = "/work";
/** Per-volume scratch bound; a job filling it is evicted rather than filling the node's disk. */
const SCRATCH_SIZE = "256Mi";

export function executorLabels(lang: Language): Record<string, string> {
  return { ...componentLabels(COMPONENTS.executor), [LANGUAGE_LABEL]: lang };
}

export function executorPodSpec(env: Environment, faas: FaasConfig, lang: Language): k8s.PodSpec {
  const limits = { cpu: k8s.Quantity.fromString(faas.executors.cpuLimit), memory: k8s.Quantity.fromString(faas.executors.memoryLimit) };
  return {
    ...(faas.executors.sandbox ? { runtimeClassName: GVISOR_RUNTIME_CLASS } : {}),
    restartPolicy: "Never",
    activeDeadlineSeconds: faas.executors.deadlineSeconds,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 5,
    securityContext: restrictedPod(EXECUTOR_UID),
    containers: [
      {
        name: COMPONENTS.executor,
        image: faas.executors.images[lang],
        imagePullPolicy: "IfNotPresent",
        workingDir: EXECUTOR_WORK_DIR,
        env: [
          { name: "NATS_URL", value: natsUrl(env, faas) },
          ...natsClientEnv("executor"),
          { name: "EXECUTOR_LANGUAGE", value: lang },
          // Compilers and package managers write caches under $HOME.
          { name: "HOME", value: "/tmp" },
        ],
        // Requests = limits: untrusted code gets exactly what was scheduled (Guaranteed QoS).
        resources: { requests: limits, limits },
        securityContext: restrictedContainer(EXECUTOR_UID),
        volumeMounts: [
          { name: "tmp", mountPath: "/tmp" },
          { name: "work", mountPath: EXECUTOR_WORK_DIR },
        ],
      },
    ],
    volumes: [
      { name: "tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString(SCRATCH_SIZE) } },
      { name: "work", emptyDir: { sizeLimit: k8s.Quantity.fromString(SCRATCH_SIZE) } },
    ],
  };
}

function mebibytes(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20}Mi` : String(bytes);
}

export function addExecutors(scope: Construct, env: Environment): void {
  const faas = env.config.faas;
  const ns = faas.executorNamespace;
  for (const lang of LANGUAGES) {
    new k8s.KubePodTemplate(scope, `executor-${lang}`, {
      metadata: { name: executorTemplateName(lang), namespace: ns, labels: executorLabels(lang) },
      template: { metadata: { labels: executorLabels(lang) }, spec: executorPodSpec(env, faas, lang) },
    });
  }

  const cpu = k8s.Quantity.fromString(faas.executors.cpuLimit);
  const memory = k8s.Quantity.fromString(faas.executors.memoryLimit);
  const labels = componentLabels(COMPONENTS.executor);
  // A pod created without the template still gets limits, and none can exceed the template's.
  new k8s.KubeLimitRange(scope, "executor-limits", {
    metadata: { name: "executor-limits", namespace: ns, labels },
    spec: { limits: [{ type: "Container", max: { cpu, memory }, default: { cpu, memory }, defaultRequest: { cpu, memory } }] },
  });
  const totalCpu = k8s.Quantity.fromString(`${quantityMillicores(faas.executors.cpuLimit) * faas.executors.maxPods}m`);
  const totalMemory = k8s.Quantity.fromString(mebibytes(quantityBytes(faas.executors.memoryLimit) * faas.executors.maxPods));
  // Scope Terminating: pods with activeDeadlineSeconds, i.e. executors. The pre-pull DaemonSet's
  // pods have none and are bounded by their own quota (prepull.ts), so they never take a job's slot.
  new k8s.KubeResourceQuota(scope, "executor-quota", {
    metadata: { name: "executor-quota", namespace: ns, labels },
    spec: {
      scopes: ["Terminating"],
      hard: {
        pods: k8s.Quantity.fromNumber(faas.executors.maxPods),
        "requests.cpu": totalCpu,
        "limits.cpu": totalCpu,
        "requests.memory": totalMemory,
        "limits.memory": totalMemory,
      },
    },
  });
  // Scoped quotas may only count pod resources; the object counts live in an unscoped one.
  new k8s.KubeResourceQuota(scope, "executor-objects-quota", {
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

/** Cluster-scoped RuntimeClass; the handler must be registered with containerd on the nodes. */
export function addRuntimeClass(scope: Construct): void {
  new k8s.KubeRuntimeClass(scope, "gvisor", { metadata: { name: GVISOR_RUNTIME_CLASS, labels: { "app.kubernetes.io/part-of": "faas" } }, handler: GVISOR_HANDLER });
}
