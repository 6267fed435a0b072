/**
 * The shared content volume of the demo web app: one ReadWriteMany PersistentVolume (NFS locally,
 * NAS on ACK) pre-bound to one claim. The PV is cluster-scoped and lives in the storage chart; the
 * claim lives in the web chart, after the namespace it belongs to.
 */
import type { Construct } from "constructs";
import type { WebAppConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";

/** Name of the web content PersistentVolume and of the claim bound to it. */
export const WEB_CONTENT_VOLUME = "web-content";

/** `claimRef` that reserves the PV for the web claim, so no other claim can bind it. */
export function webClaimRef(webApp: WebAppConfig): { namespace: string; name: string } {
  return { namespace: webApp.namespace, name: WEB_CONTENT_VOLUME };
}

/** Where the web content lives: the mount options and the volume source (NFS or CSI). */
export type WebContentSource = Pick<k8s.PersistentVolumeSpec, "mountOptions" | "nfs" | "csi">;

/**
 * The static ReadWriteMany PV holding the web content, reserved for the web claim. Kept on delete
 * (Retain): the content outlives the app. `storageClassName: ""` keeps any default class out of it.
 */
export function webContentVolume(scope: Construct, webApp: WebAppConfig, source: WebContentSource): k8s.KubePersistentVolume {
  return new k8s.KubePersistentVolume(scope, WEB_CONTENT_VOLUME, {
    metadata: { name: WEB_CONTENT_VOLUME, labels: { "app.kubernetes.io/part-of": "web" } },
    spec: {
      capacity: { storage: k8s.Quantity.fromString(webApp.storageSize) },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      claimRef: webClaimRef(webApp),
      ...source,
    },
  });
}
