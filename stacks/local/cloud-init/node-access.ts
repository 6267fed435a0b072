/**
 * The parts of every node's cloud-config that make it reachable and observable from the host:
 *
 * - the admin user (src/contracts/node-access.ts) with the lab's public key, sudo without a password,
 *   no password login at all, no root login, and the node's pre-generated host key;
 * - VirtualBox Guest Additions, which the provider's IP wait needs: Canonical's cloud image lacks
 *   them, so `bootcmd` (cloud-init's earliest step with network) installs Ubuntu's
 *   `virtualbox-guest-utils` on first boot, well inside `local.provider.delaySeconds`, and skips
 *   that on later boots or on a box that already has them.
 */
import { ADMIN_USER } from "../../../src/contracts/node-access";
import type { CloudConfigDoc } from "./cloud-config";
import type { NodeAccessKeys } from "./secrets";

/** The shell run by bootcmd; it must not fail the boot, the provider's wait reports a missing IP. */
export const GUEST_ADDITIONS_BOOTCMD = String.raw`command -v VBoxService >/dev/null 2>&1 && exit 0
export DEBIAN_FRONTEND=noninteractive
for try in 1 2 3; do
  if apt-get update -q && apt-get install -y -q --no-install-recommends virtualbox-guest-utils; then break; fi
  echo "clusterkit: installing Guest Additions failed (try $try of 3)" >&2
  sleep 10
done
# vboxguest is in linux-modules-extra on some kernels.
modprobe vboxguest 2>/dev/null || { apt-get install -y -q "linux-modules-extra-$(uname -r)" && modprobe vboxguest; } || true
systemctl restart virtualbox-guest-utils.service || true
`;

export function nodeAccessConfig(keys: NodeAccessKeys): Partial<CloudConfigDoc> {
  return {
    bootcmd: [["sh", "-c", GUEST_ADDITIONS_BOOTCMD]],
    // Only this user: listing `users` without "default" creates no `ubuntu` user.
    users: [
      {
        name: ADMIN_USER,
        gecos: "clusterkit lab admin",
        groups: ["adm", "sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [keys.sshAuthorizedKey],
      },
    ],
    ssh_pwauth: false,
    disable_root: true,
    // The host key deploy generated (src/deploy/lab-keys.ts); the host knows it before first contact.
    ssh_deletekeys: true,
    ssh_keys: { ed25519_private: keys.sshHostPrivateKey, ed25519_public: keys.sshHostPublicKey },
  };
}
