/**
 * Which StorageClass a workload's block storage uses. JetStream must not live on NFS (stale file
 * handles corrupt it): locally it uses static local PersistentVolumes on the workers, on ACK cloud disks.
 */
import type { Environment } from "../../src/config/schema";
import { ACK_DISK_STORAGE_CLASS, LOCAL_VOLUME_STORAGE_CLASS } from "../../src/contracts/storage";

/** StorageClass for per-pod block storage such as NATS JetStream. */
export function blockStorageClass(env: Environment): string {
  return env.kind === "local" ? LOCAL_VOLUME_STORAGE_CLASS : ACK_DISK_STORAGE_CLASS;
}
