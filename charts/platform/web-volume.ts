/**
 * The shared content volume of the demo web app: one ReadWriteMany PersistentVolume (NFS locally,
 * NAS on ACK) pre-bound to one claim. The PV is cluster-scoped and lives in the storage chart; the
 * claim lives in the web chart, after the namespace it belongs to.
 */
import type { WebAppConfig } from "../../src/config/schema";

/** Name of the web content PersistentVolume and of the claim bound to it. */
export const WEB_CONTENT_VOLUME = "web-content";

/** `claimRef` that reserves the PV for the web claim, so no other claim can bind it. */
export function webClaimRef(webApp: WebAppConfig): { namespace: string; name: string } {
  return { namespace: webApp.namespace, name: WEB_CONTENT_VOLUME };
}
