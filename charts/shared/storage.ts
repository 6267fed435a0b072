/**
 * Which StorageClass a workload's block storage uses. JetStream must not live on NFS (stale file
 * handles corrupt it): locally it uses static local PersistentVolumes on the workers, on ACK cloud disks.
 */
import { factsOf, type PlatformFacts } from "../../src/config/profiles";
import type { Environment } from "../../src/config/schema";
import { ACK_DISK_STORAGE_CLASS, LOCAL_VOLUME_STORAGE_CLASS } from "../../src/contracts/storage";

/** The StorageClass of each kind of block storage a platform profile names. */
const BLOCK_STORAGE_CLASSES: Readonly<Record<PlatformFacts["blockStorage"], string>> = {
  "local-volumes": LOCAL_VOLUME_STORAGE_CLASS,
  "cloud-disks": ACK_DISK_STORAGE_CLASS,
};

/** StorageClass for per-pod block storage such as NATS JetStream. */
export function blockStorageClass(env: Environment): string {
  return BLOCK_STORAGE_CLASSES[factsOf(env).blockStorage];
}
