/**
 * The directories behind the static local PersistentVolumes on every worker (NATS JetStream must
 * not use NFS). The node bootstrap creates them and the storage chart points PVs at them: both take
 * the paths from here.
 */
import type { LocalConfig } from "./schema";

/**
 * Nodes that offer local volumes: every Kubernetes node, the control plane included, so the default
 * three NATS servers of a two-worker lab land on three nodes (NATS tolerates the control-plane taint).
 */
export function localVolumeNodes(config: Pick<LocalConfig, "controlPlane" | "workers">): string[] {
  return [config.controlPlane.name, ...config.workers.map((w) => w.name)];
}

/** `<localVolumes.path>/vol01` … `volNN`, one per volume a node offers. */
export function localVolumeDirs(config: Pick<LocalConfig, "localVolumes">): string[] {
  const base = config.localVolumes.path.replace(/\/+$/, "");
  return Array.from({ length: config.localVolumes.perNode }, (_, i) => `${base}/vol${String(i + 1).padStart(2, "0")}`);
}
