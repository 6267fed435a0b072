/**
 * The middleware (service/middleware, TypeScript): takes jobs from `cola.<lang>` as queue group
 * `middleware`, keeps their records in NATS, starts executor Pods from the chart's PodTemplates and
 * collects their results. The only component with a ServiceAccount token.
 */
import { Construct } from "constructs";
import { MIDDLEWARE_ENV, NATS_ENV, podTemplateEnv } from "../../service/contract/env";
import { k8s } from "../../src/lib/k8s";
import { restrictedContainer } from "../shared/pod-security";
import { type AutoscalingBounds, resources } from "../shared/workload";
import { FaasDeployment } from "./deployment";
import { APP_UID } from "./frontend";
import { executorTemplateName, LANGUAGES, MIDDLEWARE_SERVICE_ACCOUNT } from "./names";
import { COMPONENTS } from "../../src/contracts/faas";
import { natsClientEnv } from "./nats-auth";
import { RESOURCES } from "./resources";

/** Paths of the health endpoint (service/middleware/health.ts). */
const MIDDLEWARE_HEALTH = { live: "/healthz", ready: "/readyz" } as const;

export interface MiddlewareProps {
  /** The service namespace (NATS, the middleware's ServiceAccount). */
  readonly namespace: string;
  /** The middleware image (`faas.middleware.image`). */
  readonly image: string;
  /** Port of its health endpoint (`faas.middleware.port`). */
  readonly port: number;
  /** Autoscaling bounds (`faas.middleware.hpa`). */
  readonly hpa: AutoscalingBounds;
  /** NATS client URL (names.ts natsUrl). */
  readonly natsUrl: string;
  /** Replicas of the buckets and object stores it creates: the NATS cluster size (`faas.nats.replicas`). */
  readonly bucketReplicas: number;
  /** Where it starts executor Pods (`faas.executorNamespace`). */
  readonly executorNamespace: string;
  /** Jobs one replica runs at once: the executor quota's pod count (`faas.executors.maxPods`). */
  readonly maxConcurrentJobs: number;
  /** The Pods' RuntimeClass. @default none: runc */
  readonly runtimeClassName?: string;
}

function middlewareEnv(props: MiddlewareProps): k8s.EnvVar[] {
  return [
    { name: NATS_ENV.url, value: props.natsUrl },
    ...natsClientEnv("middleware"),
    // Buckets and object stores are created on a user's first job, replicated like the NATS cluster.
    { name: NATS_ENV.bucketReplicas, value: String(props.bucketReplicas) },
    { name: MIDDLEWARE_ENV.executorNamespace, value: props.executorNamespace },
    ...LANGUAGES.map((l) => ({ name: podTemplateEnv(l), value: executorTemplateName(l) })),
    { name: MIDDLEWARE_ENV.healthPort, value: String(props.port) },
    // Each replica may fill the whole quota; the quota bounds all replicas together (a refused Pod waits).
    { name: MIDDLEWARE_ENV.maxConcurrentJobs, value: String(props.maxConcurrentJobs) },
    // Recorded on the jobs a replica holds, so peers can tell whose lease it is.
    { name: MIDDLEWARE_ENV.replicaName, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  ];
}

export class Middleware extends Construct {
  constructor(scope: Construct, id: string, props: MiddlewareProps) {
    super(scope, id);
    const probe = (path: string): k8s.Probe => ({ httpGet: { path, port: k8s.IntOrString.fromString("health") }, periodSeconds: 10, timeoutSeconds: 5 });
    new FaasDeployment(this, "workload", {
      runtimeClassName: props.runtimeClassName,
      component: COMPONENTS.middleware,
      namespace: props.namespace,
      uid: APP_UID,
      hpa: props.hpa,
      serviceAccountName: MIDDLEWARE_SERVICE_ACCOUNT,
      container: {
        name: COMPONENTS.middleware,
        image: props.image,
        imagePullPolicy: "IfNotPresent",
        env: middlewareEnv(props),
        ports: [{ name: "health", containerPort: props.port, protocol: "TCP" }],
        startupProbe: { ...probe(MIDDLEWARE_HEALTH.live), failureThreshold: 30 },
        livenessProbe: { ...probe(MIDDLEWARE_HEALTH.live), failureThreshold: 3 },
        // Ready = NATS connected and the API reachable; not ready while draining after SIGTERM.
        readinessProbe: probe(MIDDLEWARE_HEALTH.ready),
        resources: resources(RESOURCES.middleware),
        securityContext: restrictedContainer(APP_UID),
      },
    });
  }
}
