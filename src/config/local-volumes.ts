/**
 * The directories behind the static local PersistentVolumes on every worker (NATS JetStream must
 * not use NFS). The node bootstrap creates them and the storage chart points PVs at them: both take
 * the paths from here.
 */
import type { LocalConfig } from "./schema";

/** `<localVolumes.path>/vol01` … `volNN`, one per volume a worker offers. */
export function localVolumeDirs(config: Pick<LocalConfig, "localVolumes">): string[] {
  const base = config.localVolumes.path.replace(/\/+$/, "");
  return Array.from({ length: config.localVolumes.perNode }, (_, i) => `${base}/vol${String(i + 1).padStart(2, "0")}`);
}
