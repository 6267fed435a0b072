/**
 * Environment variables the charts set and the service's programs read: one list, so a renamed
 * variable breaks the build on both sides instead of a pod at runtime.
 */
import type { Language } from "./languages";

/** Every NATS client of the service (frontend, middleware). */
export const NATS_ENV = {
  url: "NATS_URL",
  user: "NATS_USER",
  password: "NATS_PASSWORD",
  /** Private reply-subject prefix; NATS permissions let each user subscribe only to its own. */
  inboxPrefix: "NATS_INBOX_PREFIX",
  /** Replicas of the KV buckets and object stores the middleware creates (≤ NATS servers). */
  bucketReplicas: "NATS_BUCKET_REPLICAS",
} as const;

export const MIDDLEWARE_ENV = {
  executorNamespace: "EXECUTOR_NAMESPACE",
  /** Port of the health endpoint (`/healthz`, `/readyz`) behind the probes. */
  healthPort: "HEALTH_PORT",
  /** Most executor Pods this replica runs at once (the namespace quota bounds all replicas). */
  maxConcurrentJobs: "MAX_CONCURRENT_JOBS",
  /** Name of this replica (the pod name), recorded on the jobs it owns. */
  replicaName: "POD_NAME",
} as const;

/** EXECUTOR_POD_TEMPLATE_GO etc.: the PodTemplate the middleware instantiates per language. */
export function podTemplateEnv(language: Language): string {
  return `EXECUTOR_POD_TEMPLATE_${language.toUpperCase()}`;
}

export const FRONTEND_ENV = {
  port: "PORT",
  /** Next.js standalone binds $HOSTNAME, which Kubernetes sets to the pod name. */
  hostname: "HOSTNAME",
} as const;

/** Reply-subject prefix of a NATS user (`_INBOX_frontend`), instead of the shared `_INBOX`. */
export function inboxPrefix(natsUser: string): string {
  return `_INBOX_${natsUser}`;
}
