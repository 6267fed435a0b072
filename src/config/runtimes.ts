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

/**
 * RuntimeClass name and containerd handler of each sandboxed runtime on the local cluster (the
 * node bootstrap registers the handlers under these names).
 */
export const LOCAL_RUNTIME_CLASSES: Readonly<Record<SandboxedRuntime, { readonly name: string; readonly handler: string }>> = {
  gvisor: { name: "gvisor", handler: "runsc" },
  kata: { name: "kata", handler: "kata" },
};
