/**
 * The middleware's settings, from the environment the chart sets (names in
 * service/contract/env.ts). Every problem is reported at once, naming the variable and the rule;
 * values are never echoed (NATS_PASSWORD is one of them).
 */
import { MIDDLEWARE_ENV, NATS_ENV, podTemplateEnv } from "../contract/env";
import { LANGUAGES, type Language } from "../contract/languages";

export interface MiddlewareConfig {
  readonly nats: {
    readonly url: string;
    readonly user: string;
    readonly password: string;
    readonly inboxPrefix: string;
    /** Replicas of the KV buckets and object stores created on a user's first job. */
    readonly bucketReplicas: number;
  };
  readonly executorNamespace: string;
  readonly podTemplates: Readonly<Record<Language, string>>;
  readonly healthPort: number;
  readonly maxConcurrentJobs: number;
  readonly replicaName: string;
  /** How often every non-final job and executor Pod is re-examined. @default 15000 */
  readonly reconcileIntervalMs: number;
  /** A launch or collection lease older than this is taken over by another replica. @default 60000 */
  readonly leaseMs: number;
  /** Waiting time before retrying a launch the namespace quota refused. @default 5000 */
  readonly quotaRetryMs: number;
}

/** Tuning knobs the chart does not set (tests shorten them). */
const TUNING_ENV = {
  reconcileIntervalMs: "RECONCILE_INTERVAL_MS",
  leaseMs: "LEASE_MS",
  quotaRetryMs: "QUOTA_RETRY_MS",
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid middleware configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

export function loadConfig(env: NodeJS.ProcessEnv): MiddlewareConfig {
  const problems: string[] = [];
  const str = (name: string, rule?: { re: RegExp; text: string }): string => {
    const v = env[name];
    if (v === undefined || v === "") {
      problems.push(`${name}: required`);
      return "";
    }
    if (rule && !rule.re.test(v)) problems.push(`${name}: ${rule.text}`);
    return v;
  };
  const int = (name: string, min: number, max: number, fallback?: number): number => {
    const v = env[name];
    if ((v === undefined || v === "") && fallback !== undefined) return fallback;
    const n = Number(v);
    if (v === undefined || v === "" || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: must be an integer from ${min} to ${max}`);
      return min;
    }
    return n;
  };
  const url = str(NATS_ENV.url, { re: /^(nats|tls):\/\/[^\s]+$/, text: "must be a nats:// or tls:// URL" });
  const config: MiddlewareConfig = {
    nats: {
      url,
      user: str(NATS_ENV.user),
      password: str(NATS_ENV.password),
      inboxPrefix: str(NATS_ENV.inboxPrefix, { re: SUBJECT_TOKEN, text: "must be one NATS subject token (letters, digits, '_', '-')" }),
      bucketReplicas: int(NATS_ENV.bucketReplicas, 1, 5),
    },
    executorNamespace: str(MIDDLEWARE_ENV.executorNamespace, { re: DNS_LABEL, text: "must be a DNS-1123 label" }),
    podTemplates: Object.fromEntries(
      LANGUAGES.map((l) => [l, str(podTemplateEnv(l), { re: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, text: "must be a Kubernetes object name" })]),
    ) as Record<Language, string>,
    healthPort: int(MIDDLEWARE_ENV.healthPort, 1, 65535),
    maxConcurrentJobs: int(MIDDLEWARE_ENV.maxConcurrentJobs, 1, 10_000),
    replicaName: str(MIDDLEWARE_ENV.replicaName),
    reconcileIntervalMs: int(TUNING_ENV.reconcileIntervalMs, 50, 3_600_000, 15_000),
    leaseMs: int(TUNING_ENV.leaseMs, 100, 3_600_000, 60_000),
    quotaRetryMs: int(TUNING_ENV.quotaRetryMs, 10, 600_000, 5_000),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
