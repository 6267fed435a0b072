/**
 * Workload defaults every platform shares (the demo web app, the code-execution service), from the
 * customer's documents where they give a value (HPA bounds and targets) and chosen here where they
 * do not. Each platform profile (profiles/) fills in what differs.
 */
import { builtImage } from "./built-images";
import type { FaasConfig, WebAppConfig } from "./schema";
import type { RuntimeName } from "./runtimes";

export function webApp(cpuUtilization: number): WebAppConfig {
  // Documents: min 2, max 5; 10 % CPU locally, 4 % on ACK.
  return { enabled: true, namespace: "web", storageSize: "1Gi", https: true, hpa: { minReplicas: 2, maxReplicas: 5, cpuUtilization }, runtime: "runc" };
}

export interface FaasDefaults {
  /** Sign-in method (local-users needs no external registration). */
  readonly signIn: "provider" | "local-users";
  /** oauth2-proxy `--redirect-url`. */
  readonly redirectUrl: string;
  /** Email domains allowed to sign in. */
  readonly emailDomains: string[];
  readonly cookieSecure: boolean;
  /** Executors' runtime: gVisor locally (the node bootstrap installs runsc); ACK has no gVisor. */
  readonly executorRuntime: RuntimeName;
  /** JetStream volume size per NATS server. */
  readonly natsStorage: string;
  /** Registry the images this repository builds are pushed to. */
  readonly registry: string;
}

export function faas({ signIn, redirectUrl, emailDomains, cookieSecure, executorRuntime, natsStorage, registry }: FaasDefaults): FaasConfig {
  return {
    enabled: true,
    namespace: "faas",
    executorNamespace: "faas-executors",
    oauth2Proxy: {
      provider: "google",
      emailDomains,
      redirectUrl,
      cookieSecure,
      secretName: "oauth2-proxy",
      replicas: 2,
      runtime: "runc",
      signIn,
      localUsers: { names: ["alice", "bob"], emailDomain: "clusterkit.internal" },
    },
    // Built by this repository (`npm run images -- build`); tags from images/images.lock.json.
    // Loading re-derives registry and images from the merged config unless the override sets them.
    registry,
    frontend: { image: builtImage(registry, "frontend"), hpa: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 }, port: 3000, runtime: "runc" },
    middleware: { image: builtImage(registry, "middleware"), hpa: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }, port: 8080, runtime: "runc" },
    nats: { replicas: 3, storageSize: natsStorage, runtime: "runc" },
    executors: {
      runtime: executorRuntime,
      // Covers compile + run + 15 s of start and report (checked in rules.ts).
      deadlineSeconds: 60,
      cpuLimit: "500m",
      limits: { compileTimeoutSeconds: 30, runTimeoutSeconds: 10, memory: "256Mi", output: "1Mi", processes: 128 },
      maxPods: 20,
      images: { go: builtImage(registry, "executor-go"), javascript: builtImage(registry, "executor-javascript"), c: builtImage(registry, "executor-c") },
    },
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Applied to the merged config before validation, after the profile set `faas.registry`: unless
 * the override sets them, the service's images follow the registry. So moving the registry (the NFS
 * node locally, the region on ACK) moves the image references with it.
 */
export function imagesFollowRegistry(merged: Record<string, unknown>, override: unknown): void {
  if (!isRecord(merged.faas)) return;
  const faas = merged.faas;
  const o = isRecord(override) && isRecord(override.faas) ? override.faas : {};
  const set = (obj: unknown, key: string) => isRecord(obj) && obj[key] !== undefined;
  const registry = faas.registry;
  if (typeof registry !== "string") return;
  if (isRecord(faas.frontend) && !set(o.frontend, "image")) faas.frontend = { ...faas.frontend, image: builtImage(registry, "frontend") };
  if (isRecord(faas.middleware) && !set(o.middleware, "image")) faas.middleware = { ...faas.middleware, image: builtImage(registry, "middleware") };
  if (isRecord(faas.executors) && isRecord(faas.executors.images)) {
    const oi = isRecord(o.executors) && isRecord(o.executors.images) ? o.executors.images : {};
    const images = { ...faas.executors.images };
    if (!set(oi, "go")) images.go = builtImage(registry, "executor-go");
    if (!set(oi, "javascript")) images.javascript = builtImage(registry, "executor-javascript");
    if (!set(oi, "c")) images.c = builtImage(registry, "executor-c");
    faas.executors = { ...faas.executors, images };
  }
}

/** Whether the override sets `faas.registry` itself. */
export function overridesRegistry(override: unknown): boolean {
  return isRecord(override) && isRecord(override.faas) && override.faas.registry !== undefined;
}
