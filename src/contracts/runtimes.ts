/**
 * Runtime handler names: the contract between the nodes (containerd runtimes registered by the local
 * cloud-init, ACK's sandboxed node pool) and the charts (RuntimeClass `handler`, Pod
 * `runtimeClassName`). A RuntimeClass whose handler no node registers leaves its Pods stuck in
 * ContainerCreating, so both sides import these and test/contracts/runtimes.test.ts reads what each
 * side produces.
 */

/** Label the local node bootstrap puts on nodes where Kata runs (kubelet --node-labels). */
const KATA_NODE_LABEL = "katacontainers.io/kata-runtime";

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
export const LOCAL_RUNTIME_CLASSES = {
  gvisor: { name: "gvisor", handler: "runsc" },
  kata: { name: "kata", handler: "kata", overhead: { cpu: "250m", memory: "160Mi" }, nodeSelector: { [KATA_NODE_LABEL]: "true" } },
} as const satisfies Readonly<Record<"gvisor" | "kata", RuntimeClassSpec>>;

/** The runtime name ACK's node pool API takes for sandboxed containers (runV, Kata-based). */
export const ACK_SANDBOX_RUNTIME = "Sandboxed-Container.runv";

/**
 * The RuntimeClass ACK creates for its sandboxed-container node pools (named after the runtime:
 * `Sandboxed-Container.runv` → `runv`); the charts reference it and never create it. ACK adds
 * 64 MiB + 2 % of the Pod's memory request (at most 512 MiB) per Pod: quotas reserve that maximum.
 */
export const ACK_KATA_RUNTIME_CLASS: RuntimeClassSpec = { name: "runv", handler: "runv", overhead: { cpu: "0", memory: "512Mi" } };
