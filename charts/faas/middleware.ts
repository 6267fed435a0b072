/**
 * The middleware (service/middleware, TypeScript): takes jobs from `cola.<lang>` as queue group
 * `middleware`, keeps their records in NATS, starts executor Pods from the chart's PodTemplates and
 * collects their results. The only component with a ServiceAccount token.
 */
import type { Construct } from "constructs";
import { MIDDLEWARE_ENV, NATS_ENV, podTemplateEnv } from "../../service/contract/env";
import type { Environment } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { addFaasDeployment } from "./deployment";
import { podRuntime } from "../runtime-classes";
import { APP_UID } from "./frontend";
import { COMPONENTS, executorTemplateName, LANGUAGES, MIDDLEWARE_SERVICE_ACCOUNT, natsUrl } from "./names";
import { natsClientEnv } from "./nats-auth";
import { resources, RESOURCES } from "./resources";
import { restrictedContainer } from "../shared/pod-security";

/** Paths of the health endpoint (service/middleware/health.ts). */
export const MIDDLEWARE_HEALTH = { live: "/healthz", ready: "/readyz" } as const;

export function middlewareEnv(env: Environment): k8s.EnvVar[] {
  const faas = env.config.faas;
  return [
    { name: NATS_ENV.url, value: natsUrl(env, faas) },
    ...natsClientEnv("middleware"),
    // Buckets and object stores are created on a user's first job, replicated like the NATS cluster.
    { name: NATS_ENV.bucketReplicas, value: String(faas.nats.replicas) },
    { name: MIDDLEWARE_ENV.executorNamespace, value: faas.executorNamespace },
    ...LANGUAGES.map((l) => ({ name: podTemplateEnv(l), value: executorTemplateName(l) })),
    { name: MIDDLEWARE_ENV.healthPort, value: String(faas.middleware.port) },
    // Each replica may fill the whole quota; the quota bounds all replicas together (a refused Pod waits).
    { name: MIDDLEWARE_ENV.maxConcurrentJobs, value: String(faas.executors.maxPods) },
    // Recorded on the jobs a replica holds, so peers can tell whose lease it is.
    { name: MIDDLEWARE_ENV.replicaName, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  ];
}

export function addMiddleware(scope: Construct, env: Environment): void {
  const faas = env.config.faas;
  const probe = (path: string): k8s.Probe => ({ httpGet: { path, port: k8s.IntOrString.fromString("health") }, periodSeconds: 10, timeoutSeconds: 5 });
  addFaasDeployment(scope, {
    ...podRuntime(env, env.config.faas.middleware.runtime),
    component: COMPONENTS.middleware,
    namespace: faas.namespace,
    uid: APP_UID,
    hpa: faas.middleware.hpa,
    serviceAccountName: MIDDLEWARE_SERVICE_ACCOUNT,
    container: {
      name: COMPONENTS.middleware,
      image: faas.middleware.image,
      imagePullPolicy: "IfNotPresent",
      env: middlewareEnv(env),
      ports: [{ name: "health", containerPort: faas.middleware.port, protocol: "TCP" }],
      startupProbe: { ...probe(MIDDLEWARE_HEALTH.live), failureThreshold: 30 },
      livenessProbe: { ...probe(MIDDLEWARE_HEALTH.live), failureThreshold: 3 },
      // Ready = NATS connected and the API reachable; not ready while draining after SIGTERM.
      readinessProbe: probe(MIDDLEWARE_HEALTH.ready),
      resources: resources(RESOURCES.middleware),
      securityContext: restrictedContainer(APP_UID),
    },
  });
}
