/**
 * Pod Security "restricted" settings, spelled out: cdk8s-plus defaults omit seccomp and
 * `capabilities.drop: [ALL]`, so every pod here sets them itself.
 */
import type { k8s } from "../../src/lib/k8s";

/** Container-level settings meeting every restricted check (and a read-only root filesystem). */
export function restrictedContainer(uid: number, readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod-level settings: non-root, a fixed UID (images such as nats:alpine default to root), seccomp. */
export function restrictedPod(uid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod Security Admission labels enforcing `restricted` at the cluster's minor. */
export function podSecurityLabels(kubernetesMinor: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": `v${kubernetesMinor}`,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": `v${kubernetesMinor}`,
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": `v${kubernetesMinor}`,
  };
}
