/**
 * Runs a Kubernetes Pod with podman the way a kubelet would, so the end-to-end tier can run the
 * Pods the middleware creates (a fake API server calls `runPod`) and the executor tests can run
 * executor Pods directly.
 *
 * What is honoured, kubelet-style:
 * - init containers one after another, each to completion; the first that fails fails the Pod
 *   (restartPolicy Never is the only policy supported) and the app containers never start; then the
 *   app containers, concurrently;
 * - `activeDeadlineSeconds` for the whole Pod (containers are killed, reason DeadlineExceeded);
 * - volumes: `emptyDir` (a fresh directory, group-owned and setgid for `fsGroup`; `sizeLimit`,
 *   which a kubelet enforces by eviction, and `medium: Memory` are not enforced) and `downwardAPI`
 *   (the kubelet's atomic-writer layout: `..data` and per-item symlinks, read-only);
 * - securityContext (pod and container): runAsUser/runAsGroup, runAsNonRoot (a root user is
 *   refused with CreateContainerConfigError), fsGroup and supplementalGroups, readOnlyRootFilesystem
 *   (no tmpfs added, unlike plain podman), allowPrivilegeEscalation=false (no-new-privileges),
 *   capabilities drop/add, seccompProfile RuntimeDefault (podman's default profile) or Unconfined;
 * - resources.limits: memory (no swap), cpu; a pids limit per container stands in for the
 *   kubelet's podPidsLimit;
 * - env values and fieldRefs to metadata (name, namespace, labels, annotations), command/args
 *   with Kubernetes' meaning (command replaces the entrypoint, args the CMD), workingDir;
 * - no network at all (`--network none`): the executor's NetworkPolicy denies everything;
 * - runtimeClassName "gvisor" selects gVisor (runsc, systrap platform), anything else is refused.
 * Anything else in the spec that would change behaviour (host namespaces, hostPath, subPath,
 * shareProcessNamespace, privileged, ...) is refused with an error naming the field, never ignored.
 *
 * The result mirrors what the API server reports: phase, init and app container statuses (exit
 * code, reason Completed/Error/OOMKilled/...) and each container's log (stdout and stderr
 * together, as `pods/log?container=NAME` returns them). As with containerd, OOMKilled means the
 * kernel killed some process of the container for memory, whatever the container's exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { V1Pod } from "@kubernetes/client-node";
import { podmanEnv, runtimeArgs, type Runtime } from "./podman-env";

export type { Runtime } from "./podman-env";

export type ContainerReason =
  "Completed" | "Error" | "OOMKilled" | "DeadlineExceeded" | "ContainerCannotRun" | "CreateContainerConfigError" | "PodInitializing";

export interface ContainerStatus {
  readonly name: string;
  /** Exit code (128 + signal when killed, as the kubelet reports); null when it never ran. */
  readonly exitCode: number | null;
  readonly reason: ContainerReason;
  /** Wall-clock time of `podman run` for this container, start to exit. */
  readonly durationMs: number;
  /** When `podman run` started and ended, for containers that ran. */
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
}

export interface PodRunResult {
  readonly phase: "Succeeded" | "Failed";
  /** The Pod's own failure reason (DeadlineExceeded), when it has one. */
  readonly reason?: string;
  readonly runtime: Runtime;
  readonly initContainerStatuses: readonly ContainerStatus[];
  readonly containerStatuses: readonly ContainerStatus[];
  /** Combined stdout and stderr per container name, as `pods/log?container=NAME` returns them. */
  readonly logs: Readonly<Record<string, string>>;
  /** The volumes' host directories, when `keepVolumes` was set (volume name → directory). */
  readonly volumes?: Readonly<Record<string, string>>;
}

export interface RunPodOptions {
  /** Container runtime. @default "runsc" when spec.runtimeClassName is "gvisor", else "runc" */
  readonly runtime?: Runtime;
  /** pids limit of each container, standing in for the kubelet's podPidsLimit. @default 1024 */
  readonly pidsLimit?: number;
  /** Where the Pod's volume directories are created. @default os.tmpdir() */
  readonly volumesDir?: string;
  /** Keep the volume directories and return their paths. @default false */
  readonly keepVolumes?: boolean;
  /** Log bytes kept per container (the kubelet rotates logs at 10 MiB by default). @default 32 MiB */
  readonly maxLogBytes?: number;
  /** Aborting kills the running containers and starts no more (the Pod was deleted). @default none */
  readonly signal?: AbortSignal;
}

/** A Pod spec this runner cannot honour faithfully. */
export class PodSpecError extends Error {}

const GVISOR_RUNTIME_CLASS = "gvisor";
const DEFAULT_PIDS_LIMIT = 1024;
const DEFAULT_MAX_LOG_BYTES = 32 * 1024 * 1024;

/** Pod spec fields that change behaviour and are not emulated: refused rather than ignored. */
const UNSUPPORTED_SPEC_FIELDS = [
  "hostNetwork",
  "hostPID",
  "hostIPC",
  "hostUsers",
  "shareProcessNamespace",
  "ephemeralContainers",
  "os",
  "resourceClaims",
  "sysctls",
];
const UNSUPPORTED_CONTAINER_FIELDS = [
  "envFrom",
  "ports",
  "lifecycle",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "stdin",
  "tty",
  "volumeDevices",
  "restartPolicy",
  "resizePolicy",
];

export async function runPod(input: IPod | V1Pod, options: RunPodOptions = {}): Promise<PodRunResult> {
  // Plain JSON whichever client built it (V1Pod may hold Dates); the field names are the API's.
  const pod = JSON.parse(JSON.stringify(input)) as IPod;
  const spec = pod.spec;
  if (pod.kind !== "Pod" || !spec) throw new PodSpecError("runPod needs a Pod with a spec");
  checkSupported(spec);
  const runtime = options.runtime ?? runtimeOf(spec);
  const podName = pod.metadata?.name ?? `pod-${randomBytes(4).toString("hex")}`;
  const volumesRoot = mkdtempSync(join(options.volumesDir ?? tmpdir(), `${podName}-`));
  try {
    const ctx: Context = {
      pod,
      spec,
      podName,
      runtime,
      options,
      volumes: createVolumes(pod, spec, volumesRoot),
      deadline: spec.activeDeadlineSeconds ? Date.now() + spec.activeDeadlineSeconds * 1000 : Infinity,
      logs: {},
      root: volumesRoot,
      running: new Set(),
    };
    options.signal?.addEventListener("abort", () => {
      for (const name of ctx.running) spawnSync("podman", ["kill", "--signal", "KILL", name], { env: podmanEnv(), stdio: "ignore" });
    });
    const initStatuses: ContainerStatus[] = [];
    for (const c of spec.initContainers ?? []) {
      const status = await runContainer(ctx, c);
      initStatuses.push(status);
      if (status.exitCode !== 0) {
        const rest = (spec.initContainers ?? []).slice(initStatuses.length).map((w) => notStarted(w.name));
        return result(
          ctx,
          "Failed",
          [...initStatuses, ...rest],
          spec.containers.map((w) => notStarted(w.name)),
        );
      }
    }
    const statuses = await Promise.all(spec.containers.map((c) => runContainer(ctx, c)));
    return result(ctx, statuses.every((s) => s.exitCode === 0) ? "Succeeded" : "Failed", initStatuses, statuses);
  } finally {
    if (!options.keepVolumes) rmSync(volumesRoot, { recursive: true, force: true });
  }
}

interface Context {
  readonly pod: IPod;
  readonly spec: IPodSpec;
  readonly podName: string;
  readonly runtime: Runtime;
  readonly options: RunPodOptions;
  readonly volumes: ReadonlyMap<string, { readonly dir: string; readonly readOnly: boolean }>;
  readonly deadline: number;
  readonly logs: Record<string, string>;
  /** The Pod's own directory (volumes, podman's working directories). */
  readonly root: string;
  /** podman names of the containers running now (an abort kills them). */
  readonly running: Set<string>;
  deadlineExceeded?: boolean;
}

function result(ctx: Context, phase: PodRunResult["phase"], init: ContainerStatus[], app: ContainerStatus[]): PodRunResult {
  return {
    phase,
    ...(ctx.deadlineExceeded ? { phase: "Failed" as const, reason: "DeadlineExceeded" } : {}),
    runtime: ctx.runtime,
    initContainerStatuses: init,
    containerStatuses: app,
    logs: ctx.logs,
    ...(ctx.options.keepVolumes ? { volumes: Object.fromEntries([...ctx.volumes].map(([k, v]) => [k, v.dir])) } : {}),
  };
}

function notStarted(name: string): ContainerStatus {
  return { name, exitCode: null, reason: "PodInitializing", durationMs: 0 };
}

function runtimeOf(spec: IPodSpec): Runtime {
  if (spec.runtimeClassName === undefined) return "runc";
  if (spec.runtimeClassName === GVISOR_RUNTIME_CLASS) return "runsc";
  throw new PodSpecError(`spec.runtimeClassName: RuntimeClass ${JSON.stringify(spec.runtimeClassName)} is not known here (only ${GVISOR_RUNTIME_CLASS})`);
}

function checkSupported(spec: IPodSpec): void {
  const s = spec as unknown as Record<string, unknown>;
  for (const f of UNSUPPORTED_SPEC_FIELDS)
    if (s[f] !== undefined && s[f] !== false) throw new PodSpecError(`spec.${f}: not supported by the podman pod runner`);
  if (spec.restartPolicy !== "Never") throw new PodSpecError(`spec.restartPolicy: only Never is supported (got ${String(spec.restartPolicy)})`);
  if (spec.automountServiceAccountToken !== false)
    throw new PodSpecError("spec.automountServiceAccountToken: must be false (no API server, no token to mount)");
  if (spec.securityContext?.seLinuxOptions || spec.securityContext?.sysctls?.length)
    throw new PodSpecError("spec.securityContext: seLinuxOptions and sysctls are not supported");
  for (const [field, list] of [
    ["initContainers", spec.initContainers ?? []],
    ["containers", spec.containers],
  ] as const) {
    list.forEach((c, i) => {
      const where = `spec.${field}[${i}]`;
      const o = c as unknown as Record<string, unknown>;
      for (const f of UNSUPPORTED_CONTAINER_FIELDS) if (o[f] !== undefined) throw new PodSpecError(`${where}.${f}: not supported by the podman pod runner`);
      if (c.securityContext?.privileged) throw new PodSpecError(`${where}.securityContext.privileged: not supported`);
      for (const m of c.volumeMounts ?? []) if (m.subPath || m.subPathExpr) throw new PodSpecError(`${where}.volumeMounts[${m.name}].subPath: not supported`);
    });
  }
}

/* ---- volumes ---------------------------------------------------------------------------------- */

function createVolumes(pod: IPod, spec: IPodSpec, root: string): Map<string, { dir: string; readOnly: boolean }> {
  const volumes = new Map<string, { dir: string; readOnly: boolean }>();
  const fsGroup = spec.securityContext?.fsGroup;
  for (const v of spec.volumes ?? []) {
    const dir = join(root, v.name);
    if (v.emptyDir) {
      mkdirSync(dir);
      // A kubelet creates emptyDirs world-writable; with fsGroup they are group-owned and setgid.
      if (fsGroup !== undefined) chownSync(dir, 0, fsGroup);
      chmodSync(dir, fsGroup !== undefined ? 0o2777 : 0o777);
      volumes.set(v.name, { dir, readOnly: false });
    } else if (v.downwardAPI) {
      writeDownwardApi(pod, dir, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? 0o644, v.name);
      volumes.set(v.name, { dir, readOnly: true });
    } else {
      throw new PodSpecError(`spec.volumes[${v.name}]: only emptyDir and downwardAPI volumes are supported`);
    }
  }
  return volumes;
}

/** The kubelet's atomic-writer layout: files in a timestamped directory, `..data` and per-item links to it. */
function writeDownwardApi(
  pod: IPod,
  dir: string,
  items: readonly { path: string; fieldRef?: { fieldPath: string }; mode?: number }[],
  defaultMode: number,
  volume: string,
): void {
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, "_")}`;
  mkdirSync(join(dir, stamp), { recursive: true });
  for (const item of items) {
    if (!item.fieldRef) throw new PodSpecError(`spec.volumes[${volume}].downwardAPI.items[${item.path}]: only fieldRef is supported`);
    if (item.path.includes("/") || item.path.startsWith(".."))
      throw new PodSpecError(`spec.volumes[${volume}].downwardAPI.items[${item.path}].path: nested paths are not supported`);
    const file = join(dir, stamp, item.path);
    writeFileSync(file, fieldValue(pod, item.fieldRef.fieldPath, `spec.volumes[${volume}].downwardAPI.items[${item.path}]`));
    chmodSync(file, item.mode ?? defaultMode);
    symlinkSync(join("..data", item.path), join(dir, item.path));
  }
  symlinkSync(stamp, join(dir, "..data"));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, stamp), 0o755);
}

/** metadata.name | metadata.namespace | metadata.labels['k'] | metadata.annotations['k'] */
function fieldValue(pod: IPod, path: string, where: string): string {
  const m = pod.metadata ?? {};
  if (path === "metadata.name") return m.name ?? "";
  if (path === "metadata.namespace") return m.namespace ?? "default";
  const keyed = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === "labels" ? m.labels : m.annotations)?.[keyed[2]!] ?? "";
  throw new PodSpecError(`${where}.fieldRef.fieldPath: ${path} is not supported`);
}

/* ---- containers ------------------------------------------------------------------------------- */

async function runContainer(ctx: Context, c: IContainer): Promise<ContainerStatus> {
  if (ctx.options.signal?.aborted) return notStarted(c.name);
  if (Date.now() >= ctx.deadline) {
    ctx.deadlineExceeded = true;
    return { name: c.name, exitCode: null, reason: "DeadlineExceeded", durationMs: 0 };
  }
  let args: string[];
  try {
    args = podmanRunArgs(ctx, c);
  } catch (e) {
    if (e instanceof ConfigError) {
      ctx.logs[c.name] = e.message;
      return { name: c.name, exitCode: null, reason: "CreateContainerConfigError", durationMs: 0 };
    }
    throw e;
  }
  const name = args[args.indexOf("--name") + 1]!;
  const startedAt = new Date();
  const started = startedAt.getTime();
  ctx.running.add(name);
  // conmon (podman 4.3) writes a file named "oom" into its working directory when the container
  // is OOM-killed: give it a directory of its own rather than the caller's.
  const cwd = join(ctx.root, `.podman-${name}`);
  mkdirSync(cwd);
  const { code, log } = await runPodman(args, cwd, ctx.options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES, ctx.deadline, () => {
    ctx.deadlineExceeded = true;
    spawnSync("podman", ["kill", "--signal", "KILL", name], { env: podmanEnv(), stdio: "ignore" });
  });
  ctx.running.delete(name);
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - started;
  const state = inspect(name, existsSync(join(cwd, "oom")));
  spawnSync("podman", ["rm", "--force", name], { env: podmanEnv(), stdio: "ignore" });
  ctx.logs[c.name] = log;
  if (!state?.started) return { name: c.name, exitCode: code, reason: "ContainerCannotRun", durationMs, startedAt, finishedAt };
  const exitCode = state.exitCode;
  const reason: ContainerReason = ctx.deadlineExceeded ? "DeadlineExceeded" : state.oomKilled ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error";
  return { name: c.name, exitCode, reason, durationMs, startedAt, finishedAt };
}

/** Refusals a kubelet reports as CreateContainerConfigError (the Pod stays, the container never runs). */
class ConfigError extends Error {}

function podmanRunArgs(ctx: Context, c: IContainer): string[] {
  const podSc = ctx.spec.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const uid = sc.runAsUser ?? podSc.runAsUser;
  const gid = sc.runAsGroup ?? podSc.runAsGroup;
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) && (uid === undefined || uid === 0)) {
    throw new ConfigError(`container ${c.name} has runAsNonRoot and ${uid === undefined ? "no runAsUser (image user not checked here)" : "runAsUser 0"}`);
  }
  const args = [
    ...runtimeArgs(ctx.runtime),
    "run",
    "--name",
    `${ctx.podName}-${c.name}-${randomBytes(3).toString("hex")}`,
    "--hostname",
    ctx.podName,
    "--network",
    "none",
  ];
  if (uid !== undefined) args.push("--user", gid !== undefined ? `${uid}:${gid}` : String(uid));
  for (const g of [podSc.fsGroup, ...(podSc.supplementalGroups ?? [])]) if (g !== undefined) args.push("--group-add", String(g));
  if (sc.readOnlyRootFilesystem) args.push("--read-only", "--read-only-tmpfs=false");
  if (sc.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
  for (const cap of sc.capabilities?.drop ?? []) args.push("--cap-drop", cap === "ALL" ? "all" : cap);
  for (const cap of sc.capabilities?.add ?? []) args.push("--cap-add", cap);
  const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
  if (seccomp === "Unconfined") args.push("--security-opt", "seccomp=unconfined");
  else if (seccomp !== undefined && seccomp !== "RuntimeDefault") throw new PodSpecError(`container ${c.name}: seccompProfile ${seccomp} is not supported`);
  const limits = c.resources?.limits ?? {};
  if (limits.memory !== undefined) {
    const bytes = quantityBytes(limits.memory);
    args.push("--memory", `${bytes}b`, "--memory-swap", `${bytes}b`);
  }
  if (limits.cpu !== undefined) args.push("--cpus", String(quantityCpus(limits.cpu)));
  args.push("--pids-limit", String(ctx.options.pidsLimit ?? DEFAULT_PIDS_LIMIT));
  for (const e of c.env ?? []) {
    if (e.value !== undefined) args.push("--env", `${e.name}=${e.value}`);
    else if (e.valueFrom?.fieldRef) args.push("--env", `${e.name}=${fieldValue(ctx.pod, e.valueFrom.fieldRef.fieldPath, `container ${c.name} env ${e.name}`)}`);
    else if (e.valueFrom) throw new PodSpecError(`container ${c.name} env ${e.name}: only value and fieldRef are supported`);
    else args.push("--env", `${e.name}=`);
  }
  if (c.workingDir) args.push("--workdir", c.workingDir);
  for (const m of c.volumeMounts ?? []) {
    const v = ctx.volumes.get(m.name);
    if (!v) throw new PodSpecError(`container ${c.name} mounts volume ${m.name}, which the Pod does not define`);
    args.push("--volume", `${v.dir}:${m.mountPath}:${m.readOnly || v.readOnly ? "ro" : "rw"}`);
  }
  // Images come from podman's store (podman load); nothing is pulled.
  if (!c.image) throw new PodSpecError(`container ${c.name}: image is required`);
  if (c.command) args.push("--entrypoint", JSON.stringify(c.command));
  args.push("--pull", "never", c.image, ...(c.args ?? []));
  return args;
}

function runPodman(args: string[], cwd: string, maxLog: number, deadline: number, onDeadline: () => void): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", args, { cwd, env: podmanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let kept = 0;
    const keep = (b: Buffer) => {
      if (kept >= maxLog) return;
      const part = b.subarray(0, maxLog - kept);
      chunks.push(part);
      kept += part.length;
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const wait = deadline - Date.now();
    const timer = Number.isFinite(deadline) ? setTimeout(onDeadline, Math.max(0, wait)) : undefined;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, log: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

function inspect(name: string, conmonSawOom: boolean): { started: boolean; exitCode: number; oomKilled: boolean } | undefined {
  const r = spawnSync("podman", ["inspect", "--format", "json", name], { env: podmanEnv(), encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const [info] = JSON.parse(r.stdout) as { Id: string; State: { ExitCode: number; OOMKilled: boolean; StartedAt: string } }[];
  if (!info) return undefined;
  return {
    started: !info.State.StartedAt.startsWith("0001-"),
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled || conmonSawOom || oomKillLogged(info.Id),
  };
}

/**
 * Whether the kernel logged an OOM kill in the container's memory cgroup. podman 4.3 does not
 * notice OOM kills on cgroup v1; containerd does, for any process of the container, and the
 * kubelet then reports the reason OOMKilled whatever the exit code (the runner survives its job's
 * OOM kill and exits 0). The kernel names the cgroup, which ends in the container id.
 */
function oomKillLogged(containerId: string): boolean {
  const r = spawnSync("dmesg", [], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 && r.stdout.split("\n").some((l) => l.includes("oom-kill:") && l.includes(`oom_memcg=`) && l.includes(`-${containerId}`));
}

/* ---- quantities ------------------------------------------------------------------------------- */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity in bytes ("256Mi", "1G", "1048576"). */
function quantityBytes(q: string | number): number {
  if (typeof q === "number") return q;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new PodSpecError(`memory quantity ${JSON.stringify(q)} is not supported`);
  return Math.round(Number(m[1]) * (BINARY[m[2] ?? ""] ?? DECIMAL[m[2] ?? ""]!));
}

/** A Kubernetes CPU quantity in cores ("500m", "2"). */
function quantityCpus(q: string | number): number {
  if (typeof q === "number") return q;
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q);
  if (!m) throw new PodSpecError(`cpu quantity ${JSON.stringify(q)} is not supported`);
  return Number(m[1]) / (m[2] ? 1000 : 1);
}
