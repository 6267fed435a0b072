/**
 * How the host reaches the local VMs over SSH: one admin user with the lab's key (no password
 * login), and a host key per node, so the host knows every node's key before it first connects
 * (no trust-on-first-use, and a replaced VM keeps its key). Deploy generates the keys into
 * state/local/ssh/ (owner-only); cloud-init installs them; `npm run ssh` and `npm run logs` use them.
 */

/** The admin user on every node: sudo without a password, login by the lab key only. */
export const ADMIN_USER = "clusterkit";

/** Folder of the lab's keys, relative to the project root (inside the git-ignored state/). */
export const SSH_DIR = "state/local/ssh";

/** The lab's private key (OpenSSH format, 0600); `.pub` beside it. */
export const LAB_KEY = `${SSH_DIR}/id_ed25519`;

/** known_hosts for the nodes, keyed by node name (ssh `HostKeyAlias`), written by deploy. */
export const KNOWN_HOSTS = `${SSH_DIR}/known_hosts`;

/** A node's host key (private, 0600), `.pub` beside it. */
export function hostKeyPath(node: string): string {
  return `${SSH_DIR}/host-${node}_ed25519`;
}

/** The log cloud-init writes every boot step's output to (the boot runner's too). */
export const BOOT_LOG = "/var/log/cloud-init-output.log";
