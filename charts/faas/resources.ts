/**
 * Sizes of the workload's long-running containers (the documents give none), under the one
 * resources policy of charts/shared/workload/resources.ts: requests, a memory limit, no CPU limit.
 */
import type { ResourceSpec } from "../shared/workload";

export const RESOURCES = {
  oauth2Proxy: { cpu: "50m", memory: "64Mi", memoryLimit: "128Mi" },
  frontend: { cpu: "100m", memory: "256Mi", memoryLimit: "512Mi" },
  // A collection holds a result frame (≤ 9 MiB), its payload and the zip at once; several may overlap.
  middleware: { cpu: "50m", memory: "128Mi", memoryLimit: "512Mi" },
  nats: { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" },
  natsReloader: { cpu: "10m", memory: "16Mi", memoryLimit: "64Mi" },
} as const satisfies Record<string, ResourceSpec>;
