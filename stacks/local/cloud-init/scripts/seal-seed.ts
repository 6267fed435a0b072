/**
 * Script (last boot step): the seed ISO carries the bootstrap token (and on the control plane the
 * cluster CA key). Once the node has consumed it, the CD-ROM devices become root-only, now and on
 * every later boot, so the group `cdrom` (the first user's) can no longer read it. cloud-init runs
 * as root and still finds its datasource on later boots. What stays on the node is in docs/local.md.
 */
import { bashScript } from "./shell";

export const SEAL_SEED_SCRIPT = "/usr/local/sbin/clusterkit-seal-seed.sh";
export const SEAL_SEED_RULE = "/etc/udev/rules.d/99-clusterkit-seed.rules";

export function sealSeedScript(): string {
  return bashScript("Makes the consumed seed ISO (CD-ROM devices) readable by root only.", { RULE: SEAL_SEED_RULE }, BODY);
}

const BODY = String.raw`
printf '%s\n' 'SUBSYSTEM=="block", KERNEL=="sr[0-9]*", OWNER="root", GROUP="root", MODE="0600"' | atomic_write "$RULE" 0644
for dev in /dev/sr[0-9]*; do
  [ -b "$dev" ] || continue
  chown root:root "$dev"
  chmod 0600 "$dev"
done
echo "clusterkit: seed devices are root-only"
`;
