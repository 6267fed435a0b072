/**
 * The Go middleware: subscribes to the job subjects and starts executor Pods from the chart's
 * PodTemplates. The only component with a ServiceAccount token.
 */
import type { Construct } from "constructs";
import type { Environment } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { addFaasDeployment } from "./deployment";
import { APP_UID } from "./frontend";
import { COMPONENTS, executorTemplateName, LANGUAGES, MIDDLEWARE_SERVICE_ACCOUNT, natsUrl, subjects } from "./names";
import { natsClientEnv } from "./nats-auth";
import { resources, RESOURCES } from "./resources";
import { restrictedContainer } from "../shared/pod-security";

export function middlewareEnv(env: Environment): k8s.EnvVar[] {
  const faas = env.config.faas;
  return [
    { name: "NATS_URL", value: natsUrl(env, faas) },
    ...natsClientEnv("middleware"),
    { name: "NATS_SUBJECTS", value: subjects().join(",") },
    // With several replicas each job must reach one of them, not all: subscribe as a queue group.
    { name: "NATS_QUEUE_GROUP", value: COMPONENTS.middleware },
    { name: "EXECUTOR_NAMESPACE", value: faas.executorNamespace },
    // language=PodTemplate pairs, plus one variable per language for simple consumers.
    { name: "EXECUTOR_POD_TEMPLATES", value: LANGUAGES.map((l) => `${l}=${executorTemplateName(l)}`).join(",") },
    ...LANGUAGES.map((l) => ({ name: `EXECUTOR_POD_TEMPLATE_${l.toUpperCase()}`, value: executorTemplateName(l) })),
    { name: "EXECUTOR_DEADLINE_SECONDS", value: String(faas.executors.deadlineSeconds) },
    { name: "HEALTH_PORT", value: String(faas.middleware.port) },
  ];
}

export function addMiddleware(scope: Construct, env: Environment): void {
  const faas = env.config.faas;
  // The documents' healthcheck only checks that the process listens, so probe the TCP port.
  const probe: k8s.Probe = { tcpSocket: { port: k8s.IntOrString.fromString("health") }, periodSeconds: 10, timeoutSeconds: 2 };
  addFaasDeployment(scope, {
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
      startupProbe: { ...probe, failureThreshold: 30 },
      livenessProbe: probe,
      readinessProbe: probe,
      resources: resources(RESOURCES.middleware),
      securityContext: restrictedContainer(APP_UID),
    },
  });
}
