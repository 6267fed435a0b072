/**
 * Storage class names shared between charts. JetStream must not live on NFS (stale file handles
 * corrupt it): locally it uses static local PersistentVolumes on the workers, on ACK cloud disks.
 */
import type { Environment } from "../../src/config/schema";

/** StorageClass of the static local PersistentVolumes (created by the storage chart, local only). */
export const LOCAL_VOLUME_STORAGE_CLASS = "local-volume";

/** ACK's pre-created ESSD class (zone-aware, WaitForFirstConsumer; minimum size 20Gi). */
export const ACK_DISK_STORAGE_CLASS = "alicloud-disk-topology-alltype";

/** StorageClass for per-pod block storage such as NATS JetStream. */
export function blockStorageClass(env: Environment): string {
  return env.kind === "local" ? LOCAL_VOLUME_STORAGE_CLASS : ACK_DISK_STORAGE_CLASS;
}
