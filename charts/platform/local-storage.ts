/**
 * Local storage: the NFS export as a static ReadWriteMany PV for the web content, and static local
 * PVs on every worker for NATS JetStream (which must not run on NFS: stale handles corrupt it).
 * The node bootstrap creates the `volNN` directories these PVs point at.
 */
import type { Construct } from "constructs";
import { Chart, k8s } from "../../src/lib/k8s";
import { LOCAL_VOLUME_STORAGE_CLASS } from "../../src/contracts/storage";
import { WebContentVolume } from "./web-volume";
import { WEB_CONTENT_VOLUME } from "../../src/contracts/platform";

export interface LocalStorageChartProps {
  /** The web content on the NFS export; @default none (web app disabled) */
  readonly webContent?: { readonly size: string; readonly claimNamespace: string; readonly nfsServer: string; readonly exportPath: string };
  /** Static local volumes: on each of `nodes`, one PV of `size` per directory in `dirs`. */
  readonly localVolumes: { readonly nodes: readonly string[]; readonly dirs: readonly string[]; readonly size: string };
}

/** Name of the PV backing the `n`th local volume of a worker. */
function localVolumeName(worker: string, n: number): string {
  return `local-${worker}-vol${String(n).padStart(2, "0")}`;
}

export class LocalStorageChart extends Chart {
  constructor(scope: Construct, id: string, props: LocalStorageChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const web = props.webContent;
    if (web) {
      new WebContentVolume(this, WEB_CONTENT_VOLUME, {
        size: web.size,
        claimNamespace: web.claimNamespace,
        source: { mountOptions: ["nfsvers=4.1", "hard"], nfs: { server: web.nfsServer, path: web.exportPath } },
      });
    }

    new k8s.KubeStorageClass(this, "local-class", {
      metadata: { name: LOCAL_VOLUME_STORAGE_CLASS },
      provisioner: "kubernetes.io/no-provisioner",
      // Bind only once the pod is scheduled, so the claim follows the pod's node and not the reverse.
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Retain",
    });
    const { nodes, dirs, size } = props.localVolumes;
    for (const node of nodes) {
      for (let n = 1; n <= dirs.length; n++) {
        new k8s.KubePersistentVolume(this, localVolumeName(node, n), {
          metadata: { name: localVolumeName(node, n), labels: { "clusterkit.io/node": node } },
          spec: {
            capacity: { storage: k8s.Quantity.fromString(size) },
            accessModes: ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: LOCAL_VOLUME_STORAGE_CLASS,
            volumeMode: "Filesystem",
            local: { path: dirs[n - 1]! },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }],
              },
            },
          },
        });
      }
    }
  }
}
