/** The service and executor namespaces, both enforcing Pod Security `restricted`. */
import type { Construct } from "constructs";
import type { FaasConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { podSecurityLabels } from "../shared/pod-security";

export interface FaasNamespacesProps {
  readonly faas: FaasConfig;
  /** Kubernetes minor of the cluster (the Pod Security enforce-version). */
  readonly kubernetesMinor: string;
}

export function addNamespaces(scope: Construct, props: FaasNamespacesProps): void {
  const { faas } = props;
  for (const [id, name] of [["ns-service", faas.namespace], ["ns-executors", faas.executorNamespace]] as const) {
    new k8s.KubeNamespace(scope, id, {
      metadata: { name, labels: { ...podSecurityLabels("restricted", props.kubernetesMinor), "app.kubernetes.io/part-of": "faas" } },
    });
    // The `default` ServiceAccount exists in every namespace; stop it handing tokens to pods that
    // do not ask for one (applying this patches the existing object).
    new k8s.KubeServiceAccount(scope, `${id}-default-sa`, { metadata: { name: "default", namespace: name }, automountServiceAccountToken: false });
  }
}
