/**
 * The middleware's identity: a ServiceAccount in the service namespace, bound to a Role in the
 * EXECUTOR namespace only. No ClusterRole: it can touch nothing outside the executor namespace.
 */
import type { Construct } from "constructs";
import type { FaasConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { componentLabels, COMPONENTS, executorTemplateName, LANGUAGES, MIDDLEWARE_ROLE, MIDDLEWARE_SERVICE_ACCOUNT } from "./names";

/** Exactly what launching and reaping executor Pods needs. */
export function middlewareRules(): k8s.PolicyRule[] {
  return [
    // Start executors, follow their status, clean them up.
    { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "delete"] },
    // Read compiler/runtime output for diagnostics.
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    // Read the three executor PodTemplates so the security policy lives in the chart, not in the
    // middleware's code. Read-only and pinned by name: templates hold no secrets.
    { apiGroups: [""], resources: ["podtemplates"], resourceNames: LANGUAGES.map(executorTemplateName), verbs: ["get"] },
  ];
}

export function addMiddlewareRbac(scope: Construct, faas: FaasConfig): void {
  const labels = componentLabels(COMPONENTS.middleware);
  new k8s.KubeServiceAccount(scope, "middleware-sa", {
    metadata: { name: MIDDLEWARE_SERVICE_ACCOUNT, namespace: faas.namespace, labels },
    // The Pod opts in explicitly; this SA is never used by anything else.
    automountServiceAccountToken: false,
  });
  new k8s.KubeRole(scope, "middleware-role", {
    metadata: { name: MIDDLEWARE_ROLE, namespace: faas.executorNamespace, labels },
    rules: middlewareRules(),
  });
  new k8s.KubeRoleBinding(scope, "middleware-rolebinding", {
    metadata: { name: MIDDLEWARE_ROLE, namespace: faas.executorNamespace, labels },
    subjects: [{ kind: "ServiceAccount", name: MIDDLEWARE_SERVICE_ACCOUNT, namespace: faas.namespace }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: MIDDLEWARE_ROLE },
  });
}
