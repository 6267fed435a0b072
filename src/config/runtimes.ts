/**
 * The container runtimes a workload can run under — one source of truth for the environment
 * model, the charts and the runtime benchmark (the handler names the nodes and the charts share are
 * the contract in src/contracts/runtimes.ts).
 *
 * - `runc`: the default OCI runtime. Containers share the node's kernel; isolation is namespaces,
 *   cgroups, capabilities and seccomp. No RuntimeClass (the Pod names none).
 * - `gvisor`: runsc. A user-space kernel (the Sentry) answers the container's system calls; the
 *   host kernel sees a small, filtered set. The systrap platform needs no virtualization.
 * - `kata`: Kata Containers. Each Pod is a lightweight VM with its own guest kernel; needs
 *   hardware virtualization (/dev/kvm) on the node.
 */
import { ACK_KATA_RUNTIME_CLASS, LOCAL_RUNTIME_CLASSES, type RuntimeClassSpec } from "../contracts/runtimes";

export const RUNTIMES = ["runc", "gvisor", "kata"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export type SandboxedRuntime = Exclude<RuntimeName, "runc">;
export const SANDBOXED_RUNTIMES: readonly SandboxedRuntime[] = ["gvisor", "kata"];

/** How the documents and this project name each runtime in prose and tables. */
export const RUNTIME_LABELS: Readonly<Record<RuntimeName, string>> = { runc: "runC", gvisor: "gVisor", kata: "Kata" };

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
      gvisor: r.gvisor.enabled
        ? { installed: true, runtimeClass: LOCAL_RUNTIME_CLASSES.gvisor, chartCreatesClass: true }
        : { installed: false, reason: "set runtimes.gvisor.enabled: true" },
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
