/**
 * The user's admin kubeconfig, made entirely from Terraform-known material: a client certificate
 * signed by the cluster CA, in group `kubeadm:cluster-admins` (which kubeadm binds to cluster-admin).
 * So no SSH to the control plane is needed to fetch admin.conf.
 */
import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Construct } from "constructs";
import { Fn } from "../../src/lib/tf";
import { toTerraformString } from "./cloud-init/terraform-text";
import type { ClusterIdentity } from "./identity";
import { kubeconfigYaml } from "./kubeconfig";
import { fromRoot } from "../shared/paths";
import { literalText } from "../shared/terraform-literal";

export interface AdminKubeconfigProps {
  readonly identity: ClusterIdentity;
  /** Terraform literal (from the stack's config; terraform-literal.ts). */
  readonly clusterName: string;
  /** API server URL, a Terraform literal. */
  readonly server: string;
  /** Where to write the file, relative to the project root (outside cdktf.out). */
  readonly path: string;
  /**
   * Client certificate lifetime in hours.
   * @default 8760
   */
  readonly validityHours?: number;
}

const CA = "CLUSTERKIT_PLACEHOLDER_KUBECONFIG_CA";
const CERT = "CLUSTERKIT_PLACEHOLDER_KUBECONFIG_CERT";
const KEY = "CLUSTERKIT_PLACEHOLDER_KUBECONFIG_KEY";

export class AdminKubeconfig extends Construct {
  readonly file: SensitiveFile;

  constructor(scope: Construct, id: string, props: AdminKubeconfigProps) {
    super(scope, id);
    const key = new PrivateKey(this, "key", { algorithm: "RSA", rsaBits: 2048 });
    const csr = new CertRequest(this, "csr", {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: "clusterkit-admin", organization: "kubeadm:cluster-admins" }],
    });
    const cert = new LocallySignedCert(this, "cert", {
      certRequestPem: csr.certRequestPem,
      caCertPem: props.identity.caCert.certPem,
      caPrivateKeyPem: props.identity.caKey.privateKeyPem,
      validityPeriodHours: props.validityHours ?? 8760,
      allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
    });
    // The YAML is escaped as a whole by toTerraformString, so it renders from plain values.
    const text = kubeconfigYaml({
      clusterName: literalText(props.clusterName),
      server: literalText(props.server),
      caCertPemBase64: CA,
      userName: "clusterkit-admin",
      client: { certPemBase64: CERT, keyPemBase64: KEY },
    });
    this.file = new SensitiveFile(this, "file", {
      filename: fromRoot(props.path),
      content: toTerraformString(text, {
        [CA]: Fn.base64encode(props.identity.caCert.certPem),
        [CERT]: Fn.base64encode(cert.certPem),
        [KEY]: Fn.base64encode(key.privateKeyPem),
      }),
      filePermission: "0600",
      directoryPermission: "0700",
    });
  }
}
