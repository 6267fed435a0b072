/**
 * The container runtimes a workload can run under — one source of truth for the environment
 * model, the charts (RuntimeClass names and handlers), the node bootstrap (containerd runtime
 * names) and the runtime benchmark.
 *
 * - `runc`: the default OCI runtime. Containers share the node's kernel; isolation is namespaces,
 *   cgroups, capabilities and seccomp. No RuntimeClass (the Pod names none).
 * - `gvisor`: runsc. A user-space kernel (the Sentry) answers the container's system calls; the
 *   host kernel sees a small, filtered set. The systrap platform needs no virtualization.
 * - `kata`: Kata Containers. Each Pod is a lightweight VM with its own guest kernel; needs
 *   hardware virtualization (/dev/kvm) on the node.
 */
export const RUNTIMES = ["runc", "gvisor", "kata"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export type SandboxedRuntime = Exclude<RuntimeName, "runc">;
export const SANDBOXED_RUNTIMES: readonly SandboxedRuntime[] = ["gvisor", "kata"];

export function isSandboxed(runtime: RuntimeName): runtime is SandboxedRuntime {
  return runtime !== "runc";
}

/** How the documents and this project name each runtime in prose and tables. */
export const RUNTIME_LABELS: Readonly<Record<RuntimeName, string>> = { runc: "runC", gvisor: "gVisor", kata: "Kata" };

/** Label the local node bootstrap puts on nodes where Kata runs (kubelet --node-labels). */
export const KATA_NODE_LABEL = "katacontainers.io/kata-runtime";

export interface RuntimeClassSpec {
  readonly name: string;
  /** The containerd runtime name on the nodes. */
  readonly handler: string;
  /** Resources the sandbox itself takes per Pod (added to scheduling, quota and eviction accounting). */
  readonly overhead?: { readonly cpu: string; readonly memory: string };
  /** Nodes the runtime is installed on, merged into the Pod at admission. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/**
 * RuntimeClasses of the local cluster (the charts create them; the node bootstrap registers the
 * handlers under these names). Kata's VM costs a guest kernel, its agent and QEMU per Pod: the
 * overhead is kata-deploy's for the QEMU configuration (3.x).
 */
export const LOCAL_RUNTIME_CLASSES: Readonly<Record<SandboxedRuntime, RuntimeClassSpec>> = {
  gvisor: { name: "gvisor", handler: "runsc" },
  kata: { name: "kata", handler: "kata", overhead: { cpu: "250m", memory: "160Mi" }, nodeSelector: { [KATA_NODE_LABEL]: "true" } },
};

/**
 * The RuntimeClass ACK creates for its sandboxed-container node pools (runV, Kata-based); the
 * charts reference it and never create it. ACK adds 64 MiB + 2 % of the Pod's memory request (at
 * most 512 MiB) per Pod: quotas reserve that maximum.
 */
export const ACK_KATA_RUNTIME_CLASS: RuntimeClassSpec = { name: "runv", handler: "runv", overhead: { cpu: "0", memory: "512Mi" } };

/** Whether an environment installs a runtime, and how Pods select it. */
export type RuntimeSupport =
  | { readonly installed: true; readonly runtimeClass?: RuntimeClassSpec; readonly chartCreatesClass: boolean }
  | { readonly installed: false; readonly reason: string };

interface RuntimeConfigView {
  readonly runtimes?: { readonly gvisor: { readonly enabled: boolean }; readonly kata: { readonly enabled: boolean } };
  readonly sandboxedNodePool?: { readonly enabled: boolean };
}

export function runtimeSupport(kind: "local" | "ack", config: RuntimeConfigView): Readonly<Record<RuntimeName, RuntimeSupport>> {
  if (kind === "local") {
    const r = config.runtimes!;
    return {
      runc: { installed: true, chartCreatesClass: false },
      gvisor: r.gvisor.enabled ? { installed: true, runtimeClass: LOCAL_RUNTIME_CLASSES.gvisor, chartCreatesClass: true } : { installed: false, reason: "set runtimes.gvisor.enabled: true" },
      kata: r.kata.enabled
        ? { installed: true, runtimeClass: LOCAL_RUNTIME_CLASSES.kata, chartCreatesClass: true }
        : { installed: false, reason: "set runtimes.kata.enabled: true (needs nested virtualization in the VMs: docs/runtimes.md#kata-containers)" },
    };
  }
  return {
    runc: { installed: true, chartCreatesClass: false },
    gvisor: { installed: false, reason: "ACK offers no gVisor node pool; use kata (ACK's sandboxed containers, sandboxedNodePool.enabled) or runc" },
    kata: config.sandboxedNodePool?.enabled
      ? { installed: true, runtimeClass: ACK_KATA_RUNTIME_CLASS, chartCreatesClass: false }
      : { installed: false, reason: "set sandboxedNodePool.enabled: true (ECS Bare Metal nodes with ACK's sandboxed-container runtime: docs/runtimes.md#ack)" },
  };
}

/** Every workload that chooses a runtime: its config path (relative to the environment) and choice. */
export interface WorkloadRuntime {
  readonly path: string;
  readonly workload: string;
  readonly runtime: RuntimeName;
}

interface WorkloadConfigView {
  readonly webApp: { readonly runtime: RuntimeName };
  readonly faas: {
    readonly oauth2Proxy: { readonly runtime: RuntimeName };
    readonly frontend: { readonly runtime: RuntimeName };
    readonly middleware: { readonly runtime: RuntimeName };
    readonly nats: { readonly runtime: RuntimeName };
    readonly executors: { readonly runtime: RuntimeName };
  };
}

export function workloadRuntimes(c: WorkloadConfigView): WorkloadRuntime[] {
  return [
    { path: "webApp.runtime", workload: "web app", runtime: c.webApp.runtime },
    { path: "faas.oauth2Proxy.runtime", workload: "oauth2-proxy", runtime: c.faas.oauth2Proxy.runtime },
    { path: "faas.frontend.runtime", workload: "frontend", runtime: c.faas.frontend.runtime },
    { path: "faas.middleware.runtime", workload: "middleware", runtime: c.faas.middleware.runtime },
    { path: "faas.nats.runtime", workload: "NATS", runtime: c.faas.nats.runtime },
    { path: "faas.executors.runtime", workload: "executors", runtime: c.faas.executors.runtime },
  ];
}
