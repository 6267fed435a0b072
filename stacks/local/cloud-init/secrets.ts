/**
 * What a node's seed carries that must not appear in synthesized output. Every field is a plain
 * string so the renderer works the same with sample values (tests) and with Terraform expressions
 * (the stack): PEMs are passed base64-encoded, which keeps them on one line inside YAML and inside
 * Terraform strings alike; SSH keys arrive as JSON strings, which YAML reads as quoted scalars.
 */

/** The cluster identity (the same for every node). */
export interface ClusterSecrets {
  /** Cluster CA certificate PEM, base64-encoded. Not secret, but it is the trust anchor. */
  readonly caCertPemBase64: string;
  /** Cluster CA private key PEM, base64-encoded (written to the control plane only). */
  readonly caKeyPemBase64: string;
  /** kubeadm bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}`. */
  readonly bootstrapToken: string;
}

/** SSH access to one node (src/contracts/node-access.ts): the admin's public key and the node's host key. */
export interface NodeAccessKeys {
  /** `ssh-ed25519 ...` line the admin user accepts. */
  readonly sshAuthorizedKey: string;
  /** The node's ed25519 host key, OpenSSH private key format (secret). */
  readonly sshHostPrivateKey: string;
  /** Its public half. */
  readonly sshHostPublicKey: string;
}

export type NodeSecrets = ClusterSecrets & NodeAccessKeys;

/**
 * Placeholders the stack renders with, then swaps for Terraform expressions after escaping the
 * rest of the text (see `terraform-text.ts`). Plain identifiers, so YAML emits them unquoted.
 */
export const SECRET_PLACEHOLDERS: NodeSecrets = {
  caCertPemBase64: "CLUSTERKIT_PLACEHOLDER_CA_CERT_B64",
  caKeyPemBase64: "CLUSTERKIT_PLACEHOLDER_CA_KEY_B64",
  bootstrapToken: "CLUSTERKIT_PLACEHOLDER_BOOTSTRAP_TOKEN",
  sshAuthorizedKey: "CLUSTERKIT_PLACEHOLDER_SSH_AUTHORIZED_KEY",
  // No placeholder may be the prefix of another: they are replaced one after the other.
  sshHostPrivateKey: "CLUSTERKIT_PLACEHOLDER_SSH_HOST_PRIVATE_KEY",
  sshHostPublicKey: "CLUSTERKIT_PLACEHOLDER_SSH_HOST_PUBLIC_KEY",
};
