/** The Next.js frontend (service/frontend): sends JobRequests on NATS, reachable only through oauth2-proxy. */
import type { Construct } from "constructs";
import type { Environment } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { addFaasDeployment } from "./deployment";
import { podRuntime } from "../runtime-classes";
import { FRONTEND_ENV, NATS_ENV } from "../../service/contract/env";
import { API_PATHS } from "../../service/contract/http";
import { componentLabels, COMPONENTS, natsUrl } from "./names";
import { natsClientEnv } from "./nats-auth";
import { resources, RESOURCES } from "./resources";
import { restrictedContainer } from "../shared/pod-security";

/** An unprivileged UID; the documents' images do not say which user they expect. */
export const APP_UID = 1000;

export function addFrontend(scope: Construct, env: Environment): void {
  const faas = env.config.faas;
  const port = faas.frontend.port;
  // The frontend answers its health path without sign-in (the probes do not pass through oauth2-proxy).
  const probe = (initialDelaySeconds: number): k8s.Probe => ({ httpGet: { path: API_PATHS.health, port: k8s.IntOrString.fromString("http") }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 3 });
  addFaasDeployment(scope, {
    ...podRuntime(env, env.config.faas.frontend.runtime),
    component: COMPONENTS.frontend,
    namespace: faas.namespace,
    uid: APP_UID,
    hpa: faas.frontend.hpa,
    // Next.js writes its cache under .next/cache; the root filesystem stays read-only.
    scratch: { tmp: "/tmp", "next-cache": "/app/.next/cache" },
    container: {
      name: COMPONENTS.frontend,
      image: faas.frontend.image,
      imagePullPolicy: "IfNotPresent",
      env: [
        { name: NATS_ENV.url, value: natsUrl(env, faas) },
        ...natsClientEnv("frontend"),
        { name: FRONTEND_ENV.port, value: String(port) },
        // Next.js standalone binds $HOSTNAME, which Kubernetes sets to the pod name; listen everywhere.
        { name: FRONTEND_ENV.hostname, value: "0.0.0.0" },
      ],
      ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
      startupProbe: { ...probe(0), failureThreshold: 30 },
      livenessProbe: probe(0),
      readinessProbe: probe(0),
      resources: resources(RESOURCES.frontend),
      securityContext: restrictedContainer(APP_UID),
    },
  });
  const labels = componentLabels(COMPONENTS.frontend);
  new k8s.KubeService(scope, "frontend-service", {
    metadata: { name: COMPONENTS.frontend, namespace: faas.namespace, labels },
    spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }] },
  });
}
