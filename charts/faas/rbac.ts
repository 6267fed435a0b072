/**
 * The middleware's identity: a ServiceAccount in the service namespace, bound to a Role in the
 * EXECUTOR namespace only. No ClusterRole: it can touch nothing outside the executor namespace.
 */
import { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";
import { executorTemplateName, LANGUAGES, MIDDLEWARE_ROLE, MIDDLEWARE_SERVICE_ACCOUNT } from "./names";
import { componentLabels, COMPONENTS } from "../../src/contracts/faas";

/** Exactly what launching and reaping executor Pods needs. */
function middlewareRules(): k8s.PolicyRule[] {
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

export interface MiddlewareRbacProps {
  /** Where the middleware's ServiceAccount lives (the service namespace). */
  readonly namespace: string;
  /** The only namespace its Role grants anything in. */
  readonly executorNamespace: string;
}

export class MiddlewareRbac extends Construct {
  constructor(scope: Construct, id: string, props: MiddlewareRbacProps) {
    super(scope, id);
    const labels = componentLabels(COMPONENTS.middleware);
    new k8s.KubeServiceAccount(this, "middleware-sa", {
      metadata: { name: MIDDLEWARE_SERVICE_ACCOUNT, namespace: props.namespace, labels },
      // The Pod opts in explicitly; this SA is never used by anything else.
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, "middleware-role", {
      metadata: { name: MIDDLEWARE_ROLE, namespace: props.executorNamespace, labels },
      rules: middlewareRules(),
    });
    new k8s.KubeRoleBinding(this, "middleware-rolebinding", {
      metadata: { name: MIDDLEWARE_ROLE, namespace: props.executorNamespace, labels },
      subjects: [{ kind: "ServiceAccount", name: MIDDLEWARE_SERVICE_ACCOUNT, namespace: props.namespace }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: MIDDLEWARE_ROLE },
    });
  }
}
