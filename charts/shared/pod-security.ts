/**
 * Pod Security Admission labels and the settings that meet the "restricted" level, for every
 * chart. cdk8s-plus-28 omits `seccompProfile` and `capabilities.drop`, so charts set them from here.
 */
import type { k8s } from "../../src/lib/k8s";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * enforce + warn + audit at one level, pinned to the cluster's minor so a control-plane upgrade
 * cannot silently tighten or loosen the checks.
 */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesMinor: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "warn", "audit"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = `v${kubernetesMinor}`;
  }
  return labels;
}

/**
 * Container settings meeting every restricted check, with a read-only root filesystem by default.
 * Without `uid` the user comes from the pod level.
 */
export function restrictedContainer(uid?: number, readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid }),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod-level settings: non-root with a fixed UID (images such as nats:alpine default to root), its group owning volumes, seccomp. */
export function restrictedPod(uid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
