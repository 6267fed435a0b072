/**
 * Script (first boot step): installs the node's distribution packages with bounded retries.
 * cloud-init's `packages:` module neither retries nor stops the boot steps, so one transient mirror
 * failure used to leave a node broken for good, failing later as "containerd: command not found".
 */
import { bashScript } from "./shell";

export const PACKAGES_SCRIPT = "/usr/local/sbin/clusterkit-packages.sh";

export function packagesScript(packages: readonly string[]): string {
  return bashScript("Installs this node's packages from the distribution, retrying transient failures.", { PACKAGES: packages.join(" ") }, BODY);
}

const BODY = String.raw`
# A VM restarted in the middle of an install (nested virtualization for Kata restarts it) leaves dpkg
# "interrupted"; apt refuses to go on until it is finished. (Only then: dpkg takes no lock timeout.)
if [ -n "$(dpkg --audit 2>/dev/null)" ]; then retry 5 dpkg --configure -a; fi
# dpkg may still be locked by unattended-upgrades on first boot: apt waits for it (bounded).
retry 5 apt-get -q -o DPkg::Lock::Timeout=600 update
# shellcheck disable=SC2086 # PACKAGES is a list of package names
retry 5 apt-get -q -o DPkg::Lock::Timeout=600 install -y $PACKAGES
for p in $PACKAGES; do
  dpkg-query -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$' || { echo "clusterkit: package $p is not installed" >&2; exit 1; }
done
echo "clusterkit: packages installed: $PACKAGES"
`;
