/** The Next.js frontend (service/frontend): sends JobRequests on NATS, reachable only through oauth2-proxy. */
import { Construct } from "constructs";
import { FRONTEND_ENV, NATS_ENV } from "../../service/contract/env";
import { API_PATHS } from "../../service/contract/http";
import { k8s } from "../../src/lib/k8s";
import { restrictedContainer } from "../shared/pod-security";
import { type AutoscalingBounds, resources } from "../shared/workload";
import { FaasDeployment } from "./deployment";
import { componentLabels, COMPONENTS } from "../../src/contracts/faas";
import { natsClientEnv } from "./nats-auth";
import { RESOURCES } from "./resources";

/** An unprivileged UID; the documents' images do not say which user they expect. */
export const APP_UID = 1000;

export interface FrontendProps {
  readonly namespace: string;
  /** The frontend image (`faas.frontend.image`). */
  readonly image: string;
  /** Port it listens on and its Service serves (`faas.frontend.port`). */
  readonly port: number;
  /** Autoscaling bounds (`faas.frontend.hpa`). */
  readonly hpa: AutoscalingBounds;
  /** NATS client URL (names.ts natsUrl). */
  readonly natsUrl: string;
  /** The Pods' RuntimeClass. @default none: runc */
  readonly runtimeClassName?: string;
}

export class Frontend extends Construct {
  constructor(scope: Construct, id: string, props: FrontendProps) {
    super(scope, id);
    const { port, namespace } = props;
    // The frontend answers its health path without sign-in (the probes do not pass through oauth2-proxy).
    const probe = (initialDelaySeconds: number): k8s.Probe => ({
      httpGet: { path: API_PATHS.health, port: k8s.IntOrString.fromString("http") },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 3,
    });
    new FaasDeployment(this, "workload", {
      runtimeClassName: props.runtimeClassName,
      component: COMPONENTS.frontend,
      namespace,
      uid: APP_UID,
      hpa: props.hpa,
      // Next.js writes its cache under .next/cache; the root filesystem stays read-only.
      scratch: { tmp: "/tmp", "next-cache": "/app/.next/cache" },
      container: {
        name: COMPONENTS.frontend,
        image: props.image,
        imagePullPolicy: "IfNotPresent",
        env: [
          { name: NATS_ENV.url, value: props.natsUrl },
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
    new k8s.KubeService(this, "service", {
      metadata: { name: COMPONENTS.frontend, namespace, labels },
      spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }] },
    });
  }
}
