/**
 * Storage the charts use but do not define alone: the directories behind the static local
 * PersistentVolumes (NATS JetStream must not use NFS: stale file handles corrupt it), which the node
 * bootstrap creates and the storage chart points PVs at; and StorageClass names, including ACK's
 * pre-created one. test/contracts/storage.test.ts reads both sides.
 */
import type { LocalConfig } from "../config/schema";

/** StorageClass of the static local PersistentVolumes (created by the storage chart, local only). */
export const LOCAL_VOLUME_STORAGE_CLASS = "local-volume";

/** ACK's pre-created ESSD class (zone-aware, WaitForFirstConsumer; minimum size 20Gi). */
export const ACK_DISK_STORAGE_CLASS = "alicloud-disk-topology-alltype";

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
