/** The service and executor namespaces, both enforcing Pod Security `restricted`. */
import { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";
import { podSecurityLabels } from "../shared/pod-security";

export interface FaasNamespacesProps {
  /** Namespace of oauth2-proxy, frontend, NATS and middleware (`faas.namespace`). */
  readonly namespace: string;
  /** Namespace of the executor Pods (`faas.executorNamespace`). */
  readonly executorNamespace: string;
  /** Kubernetes minor of the cluster (the Pod Security enforce-version). */
  readonly kubernetesMinor: string;
}

export class FaasNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: FaasNamespacesProps) {
    super(scope, id);
    for (const [nsId, name] of [
      ["ns-service", props.namespace],
      ["ns-executors", props.executorNamespace],
    ] as const) {
      new k8s.KubeNamespace(this, nsId, {
        metadata: { name, labels: { ...podSecurityLabels("restricted", props.kubernetesMinor), "app.kubernetes.io/part-of": "faas" } },
      });
      // The `default` ServiceAccount exists in every namespace; stop it handing tokens to pods that
      // do not ask for one (applying this patches the existing object).
      new k8s.KubeServiceAccount(this, `${nsId}-default-sa`, { metadata: { name: "default", namespace: name }, automountServiceAccountToken: false });
    }
  }
}
