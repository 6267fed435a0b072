/**
 * Local storage: the NFS export as a static ReadWriteMany PV for the web content, and static local
 * PVs on every worker for NATS JetStream (which must not run on NFS: stale handles corrupt it).
 * The node bootstrap creates the `volNN` directories these PVs point at.
 */
import { Construct } from "constructs";
import { localVolumeDirs, localVolumeNodes } from "../../src/config/local-volumes";
import type { LocalConfig } from "../../src/config/schema";
import { Chart, k8s } from "../../src/lib/k8s";
import { LOCAL_VOLUME_STORAGE_CLASS } from "../shared/storage";
import { webContentVolume } from "./web-volume";

export interface LocalStorageChartProps {
  readonly config: LocalConfig;
}

/** Name of the PV backing the `n`th local volume of a worker. */
export function localVolumeName(worker: string, n: number): string {
  return `local-${worker}-vol${String(n).padStart(2, "0")}`;
}

export class LocalStorageChart extends Chart {
  constructor(scope: Construct, id: string, props: LocalStorageChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { config } = props;

    if (config.webApp.enabled) {
      webContentVolume(this, config.webApp, { mountOptions: ["nfsvers=4.1", "hard"], nfs: { server: config.nfs.ip, path: config.nfs.exportPath } });
    }

    new k8s.KubeStorageClass(this, "local-class", {
      metadata: { name: LOCAL_VOLUME_STORAGE_CLASS },
      provisioner: "kubernetes.io/no-provisioner",
      // Bind only once the pod is scheduled, so the claim follows the pod's node and not the reverse.
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Retain",
    });
    const dirs = localVolumeDirs(config);
    for (const node of localVolumeNodes(config)) {
      for (let n = 1; n <= dirs.length; n++) {
        new k8s.KubePersistentVolume(this, localVolumeName(node, n), {
          metadata: { name: localVolumeName(node, n), labels: { "clusterkit.io/node": node } },
          spec: {
            capacity: { storage: k8s.Quantity.fromString(config.faas.nats.storageSize) },
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
