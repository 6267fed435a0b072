/**
 * Pod Security Admission labels and the container settings that meet the "restricted" level.
 * cdk8s-plus-28 omits `seccompProfile` and `capabilities.drop`, so every chart sets them here.
 */
import { k8s } from "../../src/lib/k8s";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * enforce + warn + audit at one level, pinned to the cluster's minor so a control-plane upgrade
 * cannot silently tighten or loosen the checks.
 */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesMinor: string): Record<string, string> {
  const version = `v${kubernetesMinor}`;
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "warn", "audit"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/** Container securityContext that passes PSS "restricted" (uid/gid from the pod level). */
export function restrictedContainerSecurity(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod securityContext for non-root workloads running as `uid`. */
export function restrictedPodSecurity(uid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
