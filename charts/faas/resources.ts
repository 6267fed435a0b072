/**
 * Requests and limits of the long-running components (the documents give none). Requests are
 * required on every container for the HPAs' CPU-utilization targets to work.
 */
import { parseBytes, parseMillicores } from "../../src/config/quantity";
import { k8s } from "../../src/lib/k8s";

export interface ResourceSpec {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
}

export const RESOURCES = {
  oauth2Proxy: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
  frontend: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1000m", memoryLimit: "512Mi" },
  // A collection holds a result frame (≤ 9 MiB), its payload and the zip at once; several may overlap.
  middleware: { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
  nats: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1000m", memoryLimit: "1Gi" },
  natsReloader: { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "50m", memoryLimit: "64Mi" },
} as const satisfies Record<string, ResourceSpec>;

export function resources(r: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.cpuRequest), memory: k8s.Quantity.fromString(r.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(r.cpuLimit), memory: k8s.Quantity.fromString(r.memoryLimit) },
  };
}

/** Bytes in a quantity the config schema validated as a byte quantity. */
export function quantityBytes(q: string): number {
  const bytes = parseBytes(q);
  if (bytes === undefined) throw new Error(`${q} is not a byte quantity (config validation should have caught it)`);
  return bytes;
}

/** Millicores in a quantity the config schema validated as a CPU quantity. */
export function quantityMillicores(q: string): number {
  const millicores = parseMillicores(q);
  if (millicores === undefined) throw new Error(`${q} is not a CPU quantity (config validation should have caught it)`);
  return millicores;
}
