/**
 * Requests and limits of the long-running components (the documents give none). Requests are
 * required on every container for the HPAs' CPU-utilization targets to work.
 */
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
  middleware: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
  nats: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1000m", memoryLimit: "1Gi" },
  natsReloader: { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "50m", memoryLimit: "64Mi" },
} as const satisfies Record<string, ResourceSpec>;

export function resources(r: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.cpuRequest), memory: k8s.Quantity.fromString(r.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(r.cpuLimit), memory: k8s.Quantity.fromString(r.memoryLimit) },
  };
}

const BINARY: Record<string, number> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes in a memory/storage quantity such as 256Mi or 10Gi (the config schema's forms). */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`${q} is not a byte quantity`);
  return Math.floor(Number(m[1]) * BINARY[m[2] ?? ""]!);
}

/** Millicores in a CPU quantity such as 500m or 2. */
export function quantityMillicores(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q);
  if (!m) throw new Error(`${q} is not a CPU quantity`);
  return Math.round(m[2] ? Number(m[1]) : Number(m[1]) * 1000);
}
