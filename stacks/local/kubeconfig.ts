/** Kubeconfig documents: the workers' discovery file and the user's admin kubeconfig. */
import { stringify } from "yaml";

export interface KubeconfigProps {
  readonly clusterName: string;
  /** API server URL, e.g. https://192.168.60.11:6443. */
  readonly server: string;
  /** Cluster CA certificate PEM, base64-encoded (kubeconfig `certificate-authority-data`). */
  readonly caCertPemBase64: string;
  /** User name inside the file. */
  readonly userName: string;
  /**
   * Client certificate and key PEMs, base64-encoded. Omit for a credential-less file (kubeadm file
   * discovery only needs the cluster and its CA).
   * @default no credentials
   */
  readonly client?: { readonly certPemBase64: string; readonly keyPemBase64: string };
}

export function kubeconfigYaml(p: KubeconfigProps): string {
  const context = `${p.userName}@${p.clusterName}`;
  const user = p.client ? { "client-certificate-data": p.client.certPemBase64, "client-key-data": p.client.keyPemBase64 } : {};
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: p.clusterName, cluster: { server: p.server, "certificate-authority-data": p.caCertPemBase64 } }],
      users: [{ name: p.userName, user }],
      contexts: [{ name: context, context: { cluster: p.clusterName, user: p.userName } }],
      "current-context": context,
    },
    { lineWidth: 0 },
  );
}
