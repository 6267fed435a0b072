/** Script: creates the directories behind the static local PersistentVolumes (NATS JetStream). */
import { bashScript } from "./shell";

export const LOCAL_VOLUMES_SCRIPT = "/usr/local/sbin/clusterkit-local-volumes.sh";

/** `dirs` come from `localVolumeDirs` (src/contracts/storage.ts), as the storage chart's PVs do. */
export function localVolumesScript(dirs: readonly string[]): string {
  return bashScript("Creates the local volume directories.", { DIRS: dirs.join(" ") }, BODY);
}

const BODY = String.raw`
# Root-owned and closed to others: kubelet applies the Pod's fsGroup when it mounts a local volume.
for dir in $DIRS; do
  install -d -m 0755 "$(dirname "$dir")"
  install -d -m 0770 "$dir"
done
`;
