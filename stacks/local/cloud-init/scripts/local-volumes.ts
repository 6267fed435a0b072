/** Script: creates the directories behind the static local PersistentVolumes (NATS JetStream). */
import { bashScript } from "./shell";

export const LOCAL_VOLUMES_SCRIPT = "/usr/local/sbin/clusterkit-local-volumes.sh";

export function localVolumesScript(basePath: string, perNode: number): string {
  return bashScript("Creates vol01..volNN under the local volume path.", { BASE_PATH: basePath, COUNT: perNode }, BODY);
}

const BODY = String.raw`
# Root-owned and closed to others: kubelet applies the Pod's fsGroup when it mounts a local volume.
install -d -m 0755 "$BASE_PATH"
i=1
while [ "$i" -le "$COUNT" ]; do
  install -d -m 0770 "$BASE_PATH/$(printf 'vol%02d' "$i")"
  i=$((i + 1))
done
`;
