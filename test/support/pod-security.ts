/**
 * Pod Security Standards "restricted" (pod-security-admission v0.30, Kubernetes 1.30+), checked
 * field by field on plain pod specs: every baseline check plus the restricted ones. Returns one
 * message per violation, naming the field; an empty list means the pod would be admitted.
 *
 * Usage: `for (const p of podSpecsOf(objects)) assert.deepEqual(restrictedViolations(p.spec, p.metadata), [], p.where)`.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Capabilities baseline allows adding (restricted narrows this to NET_BIND_SERVICE). */
const BASELINE_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];
const RESTRICTED_CAPABILITIES = ["NET_BIND_SERVICE"];
/** Volume sources restricted allows. */
const RESTRICTED_VOLUME_TYPES = ["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral"];
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t"];
const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

interface NamedContainer {
  readonly path: string;
  readonly name: string;
  readonly c: Obj;
}

function containersOf(spec: Obj): NamedContainer[] {
  return (["containers", "initContainers", "ephemeralContainers"] as const).flatMap((field) =>
    arr(spec[field]).map((c, i) => ({ path: `spec.${field}[${i}]`, name: String(obj(c).name ?? i), c: obj(c) })),
  );
}

/** Violations of the restricted profile by one pod spec (`metadata` for the AppArmor annotations). */
export function restrictedViolations(spec: Obj, metadata: Obj = {}): string[] {
  const v: string[] = [];
  const podSc = obj(spec.securityContext);
  const containers = containersOf(spec);

  // --- baseline ---
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[f] === true) v.push(`spec.${f}: must be unset or false`);
  if (obj(podSc.windowsOptions).hostProcess === true) v.push("spec.securityContext.windowsOptions.hostProcess: must be unset or false");

  for (const vol of arr(spec.volumes)) {
    const o = obj(vol);
    const types = Object.keys(o).filter((k) => k !== "name");
    for (const t of types) {
      if (t === "hostPath") v.push(`spec.volumes[${String(o.name)}].hostPath: hostPath volumes are forbidden`);
      else if (!RESTRICTED_VOLUME_TYPES.includes(t))
        v.push(`spec.volumes[${String(o.name)}].${t}: volume type not allowed (allowed: ${RESTRICTED_VOLUME_TYPES.join(", ")})`);
    }
  }

  for (const s of arr(podSc.sysctls)) {
    const name = String(obj(s).name);
    if (!SAFE_SYSCTLS.includes(name)) v.push(`spec.securityContext.sysctls[${name}]: not in the safe set`);
  }

  const checkSeLinux = (path: string, se: unknown) => {
    if (!isObj(se)) return;
    if (se.type !== undefined && !SELINUX_TYPES.includes(String(se.type))) v.push(`${path}.seLinuxOptions.type: ${String(se.type)} not allowed`);
    if (se.user !== undefined) v.push(`${path}.seLinuxOptions.user: must be unset`);
    if (se.role !== undefined) v.push(`${path}.seLinuxOptions.role: must be unset`);
  };
  const checkAppArmor = (path: string, profile: unknown) => {
    if (isObj(profile) && profile.type !== undefined && !SECCOMP_OK.includes(String(profile.type)))
      v.push(`${path}.appArmorProfile.type: ${String(profile.type)} not allowed`);
  };
  checkSeLinux("spec.securityContext", podSc.seLinuxOptions);
  checkAppArmor("spec.securityContext", podSc.appArmorProfile);
  for (const [key, value] of Object.entries(obj(metadata.annotations))) {
    if (key.startsWith("container.apparmor.security.beta.kubernetes.io/") && value !== "runtime/default" && !String(value).startsWith("localhost/")) {
      v.push(`metadata.annotations[${key}]: AppArmor profile ${String(value)} not allowed`);
    }
  }

  // --- restricted, pod level ---
  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsNonRoot === false) v.push("spec.securityContext.runAsNonRoot: must not be false");
  if (podSc.runAsUser === 0) v.push("spec.securityContext.runAsUser: must not be 0");
  const podSeccomp = obj(podSc.seccompProfile).type;
  if (podSeccomp !== undefined && !SECCOMP_OK.includes(String(podSeccomp)))
    v.push(`spec.securityContext.seccompProfile.type: ${String(podSeccomp)} not allowed`);

  for (const { path, c } of containers) {
    const sc = obj(c.securityContext);
    if (sc.privileged === true) v.push(`${path}.securityContext.privileged: must be unset or false`);
    if (sc.procMount !== undefined && sc.procMount !== "Default") v.push(`${path}.securityContext.procMount: must be Default`);
    if (obj(sc.windowsOptions).hostProcess === true) v.push(`${path}.securityContext.windowsOptions.hostProcess: must be unset or false`);
    checkSeLinux(`${path}.securityContext`, sc.seLinuxOptions);
    checkAppArmor(`${path}.securityContext`, sc.appArmorProfile);
    for (const [i, p] of arr(c.ports).entries()) {
      const hostPort = obj(p).hostPort;
      if (hostPort !== undefined && hostPort !== 0) v.push(`${path}.ports[${i}].hostPort: must be unset or 0`);
    }

    const caps = obj(sc.capabilities);
    for (const cap of arr(caps.add).map(String)) {
      if (!BASELINE_CAPABILITIES.includes(cap)) v.push(`${path}.securityContext.capabilities.add: ${cap} is forbidden even by baseline`);
      else if (!RESTRICTED_CAPABILITIES.includes(cap)) v.push(`${path}.securityContext.capabilities.add: only NET_BIND_SERVICE may be added (found ${cap})`);
    }
    if (!arr(caps.drop).map(String).includes("ALL")) v.push(`${path}.securityContext.capabilities.drop: must include ALL`);

    if (sc.allowPrivilegeEscalation !== false) v.push(`${path}.securityContext.allowPrivilegeEscalation: must be set to false`);

    if (sc.runAsNonRoot === false) v.push(`${path}.securityContext.runAsNonRoot: must not be false`);
    else if (!podNonRoot && sc.runAsNonRoot !== true) v.push(`${path}.securityContext.runAsNonRoot: must be true here or at pod level`);
    if (sc.runAsUser === 0) v.push(`${path}.securityContext.runAsUser: must not be 0`);

    const seccomp = obj(sc.seccompProfile).type;
    if (seccomp !== undefined) {
      if (!SECCOMP_OK.includes(String(seccomp))) v.push(`${path}.securityContext.seccompProfile.type: ${String(seccomp)} not allowed`);
    } else if (podSeccomp === undefined) {
      v.push(`${path}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost here or at pod level`);
    }
  }
  return v;
}

/** A pod spec found in a manifest, with where it came from. */
export interface FoundPodSpec {
  readonly where: string;
  readonly namespace: string;
  readonly metadata: Obj;
  readonly spec: Obj;
}

/** Pod specs of Pods, PodTemplates and the templates of every workload kind. */
export function podSpecsOf(objects: readonly unknown[]): FoundPodSpec[] {
  const out: FoundPodSpec[] = [];
  for (const o of objects) {
    if (!isObj(o)) continue;
    const m = obj(o.metadata);
    const where = `${String(o.kind)} ${String(m.namespace ?? "default")}/${String(m.name)}`;
    const namespace = String(m.namespace ?? "default");
    const spec = obj(o.spec);
    let template: Obj | undefined;
    if (o.kind === "Pod") {
      out.push({ where, namespace, metadata: m, spec });
      continue;
    } else if (o.kind === "PodTemplate") template = obj(o.template);
    else if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(String(o.kind))) template = obj(spec.template);
    else if (o.kind === "CronJob") template = obj(obj(obj(spec.jobTemplate).spec).template);
    if (template) out.push({ where, namespace, metadata: obj(template.metadata), spec: obj(template.spec) });
  }
  return out;
}
