/**
 * Names, labels and ports of the FaaS workload: the contract between the chart's objects
 * (Services, selectors, NetworkPolicies, env) and with the images. Written once, used everywhere.
 */
import { factsOf } from "../../src/config/profiles";
import { jobSubjects } from "../../service/contract/languages";
import type { Environment } from "../../src/config/schema";

// Languages and subjects are the service contract's (one source of truth for chart and service).
export { LANGUAGES, type Language, SUBJECT_PREFIX } from "../../service/contract/languages";
import type { Language } from "../../service/contract/languages";

// Component names and Pod labels are shared with verify: src/contracts/faas.ts.
import { COMPONENTS } from "../../src/contracts/faas";

export const PORTS = {
  /** oauth2-proxy `--http-address` port. */
  oauth2Proxy: 4180,
  /** oauth2-proxy Service port (the documents' `oauth-service` exposed 80). */
  oauth2ProxyService: 80,
  natsClient: 4222,
  natsCluster: 6222,
  natsMonitor: 8222,
} as const;

export const NATS_HEADLESS_SERVICE = "nats-headless";
export const NATS_CONFIG_MAP = "nats-config";
export const MIDDLEWARE_SERVICE_ACCOUNT = "middleware";
export const MIDDLEWARE_ROLE = "executor-launcher";

export function executorTemplateName(lang: Language): string {
  return `executor-${lang}`;
}

export function subjects(): string[] {
  return jobSubjects();
}

/** Cluster DNS domain: ACK's is configurable, kubeadm's default is cluster.local. */
export function clusterDomain(env: Environment): string {
  return factsOf(env).clusterDomain;
}

/** A Service's fully qualified name inside the cluster. */
export function serviceHost(name: string, namespace: string, domain: string): string {
  return `${name}.${namespace}.svc.${domain}`;
}

/** The NATS client URL of the workload's NATS Service. */
export function natsUrl(namespace: string, domain: string): string {
  return `nats://${serviceHost(COMPONENTS.nats, namespace, domain)}:${PORTS.natsClient}`;
}
