/**
 * Chart ids, which are also the manifest file names (`dist/<env>/<id>.k8s.yaml`). Applying the
 * files in name order is correct; upstream installs go right before the prefix they name.
 */
export const CHART_IDS = {
  /** RuntimeClasses of the sandboxed runtimes the environment installs (cluster-scoped), before any workload. */
  runtimeClasses: "05-runtime-classes",
  /** Pod network: Flannel DaemonSet, or Calico `Installation` (after the Tigera operator). */
  cni: "10-cni",
  /** metrics-server for the HPAs (local only; ACK ships it). */
  metrics: "20-metrics-server",
  /** MetalLB pool and L2Advertisement (after MetalLB's controller is Available). */
  metallb: "30-metallb-config",
  /** StorageClasses and PersistentVolumes (NFS locally, NAS on ACK, local volumes for NATS). */
  storage: "40-storage",
  /** The demo web app with its HPA. */
  web: "50-web",
  /** The code-execution workload. */
  faas: "60-faas",
} as const;
