/**
 * The shared content volume of the demo web app: one ReadWriteMany PersistentVolume (NFS locally,
 * NAS on ACK) pre-bound to one claim. The PV is cluster-scoped and lives in the storage chart; the
 * claim lives in the web chart, after the namespace it belongs to.
 */
import type { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";
import { WEB_CONTENT_VOLUME } from "../../src/contracts/platform";

/** Where the web content lives: the mount options and the volume source (NFS or CSI). */
export type WebContentSource = Pick<k8s.PersistentVolumeSpec, "mountOptions" | "nfs" | "csi">;

export interface WebContentVolumeProps {
  /** Capacity (`webApp.storageSize`). */
  readonly size: string;
  /** Namespace of the web claim the volume is reserved for (`webApp.namespace`). */
  readonly claimNamespace: string;
  readonly source: WebContentSource;
}

/**
 * The static ReadWriteMany PV holding the web content, reserved for the web claim (`claimRef`), so
 * no other claim can bind it. Kept on delete (Retain): the content outlives the app.
 * `storageClassName: ""` keeps any default class out of it.
 */
export class WebContentVolume extends k8s.KubePersistentVolume {
  constructor(scope: Construct, id: string, props: WebContentVolumeProps) {
    super(scope, id, {
      metadata: { name: WEB_CONTENT_VOLUME, labels: { "app.kubernetes.io/part-of": "web" } },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(props.size) },
        accessModes: ["ReadWriteMany"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "",
        claimRef: { namespace: props.claimNamespace, name: WEB_CONTENT_VOLUME },
        ...props.source,
      },
    });
  }
}
