/**
 * The cluster identity a node's seed carries. Every field is a plain string so the renderer works
 * the same with sample values (tests) and with Terraform expressions (the stack): PEMs are passed
 * base64-encoded, which keeps them on one line inside YAML and inside Terraform strings alike.
 */
export interface NodeSecrets {
  /** Cluster CA certificate PEM, base64-encoded. Not secret, but it is the trust anchor. */
  readonly caCertPemBase64: string;
  /** Cluster CA private key PEM, base64-encoded (written to the control plane only). */
  readonly caKeyPemBase64: string;
  /** kubeadm bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}`. */
  readonly bootstrapToken: string;
}

/**
 * Placeholders the stack renders with, then swaps for Terraform expressions after escaping the
 * rest of the text (see `terraform-text.ts`). Plain identifiers, so YAML emits them unquoted.
 */
export const SECRET_PLACEHOLDERS: NodeSecrets = {
  caCertPemBase64: "CLUSTERKIT_PLACEHOLDER_CA_CERT_B64",
  caKeyPemBase64: "CLUSTERKIT_PLACEHOLDER_CA_KEY_B64",
  bootstrapToken: "CLUSTERKIT_PLACEHOLDER_BOOTSTRAP_TOKEN",
};
