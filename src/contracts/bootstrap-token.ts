/**
 * The kubeadm bootstrap token: Terraform generates it (stacks/local/identity.ts), the seeds hand it
 * to `kubeadm init`/`join` (bound to BOOTSTRAP_TOKEN_GROUP), and deploy re-creates its Secret from
 * the stack output (src/deploy/bootstrap-token.ts). kubeadm's own format: `[a-z0-9]{6}.[a-z0-9]{16}`.
 * test/contracts/bootstrap-token.test.ts reads the synthesized generator and the rendered kubeadm config.
 */

/** Lengths of the token's public id and secret half (kubeadm refuses any other). */
export const BOOTSTRAP_TOKEN_ID_LENGTH = 6;
export const BOOTSTRAP_TOKEN_SECRET_LENGTH = 16;

/** The id and the secret: lower-case letters and digits only. */
export const BOOTSTRAP_TOKEN_ID_PATTERN = new RegExp(`^[a-z0-9]{${BOOTSTRAP_TOKEN_ID_LENGTH}}$`);
export const BOOTSTRAP_TOKEN_SECRET_PATTERN = new RegExp(`^[a-z0-9]{${BOOTSTRAP_TOKEN_SECRET_LENGTH}}$`);

/** The group kubeadm's join RBAC is bound to; the deploy step's token renewal uses it too. */
export const BOOTSTRAP_TOKEN_GROUP = "system:bootstrappers:kubeadm:default-node-token";
