/**
 * The admin kubeconfig, from the cluster credential data source, written to `kubeconfigPath`
 * (relative to the project root, outside cdktf.out) as a sensitive local file.
 */
import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { Construct } from "constructs";
import { DataAlicloudCsClusterCredential } from "../../.gen/providers/alicloud/data-alicloud-cs-cluster-credential";
import { fromRoot } from "../shared/paths";

/**
 * The credential is short-lived on purpose; the maximum ACK allows is 3 days. Every
 * `terraform apply` (cdktf deploy) reads the data source again and rewrites the file.
 */
export const KUBECONFIG_VALIDITY_MINUTES = 4320;

export interface KubeconfigFileProps {
  readonly clusterId: string;
  /** Project-relative path of the file. */
  readonly path: string;
}

export class KubeconfigFile extends Construct {
  constructor(scope: Construct, id: string, props: KubeconfigFileProps) {
    super(scope, id);
    const credential = new DataAlicloudCsClusterCredential(this, "credential", {
      clusterId: props.clusterId,
      temporaryDurationMinutes: KUBECONFIG_VALIDITY_MINUTES,
    });
    new SensitiveFile(this, "file", {
      filename: fromRoot(props.path),
      content: credential.kubeConfig,
      filePermission: "0600",
      directoryPermission: "0700",
    });
  }
}
