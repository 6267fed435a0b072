/**
 * NATS with JetStream as a StatefulSet: one block volume per server (never NFS: JetStream
 * corrupts under stale NFS handles), cluster routes to every ordinal through the headless
 * Service, config in a ConfigMap reloaded in place. Modelled on the nats-io/k8s Helm chart of the pinned NATS release.
 */
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import { localVolumeNodes } from "../../src/contracts/storage";
import type { Environment } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { restrictedContainer, restrictedPod } from "../shared/pod-security";
import { quantityBytes } from "../shared/quantity";
import { OneAtATimeBudget, resources, spreadAcrossNodes } from "../shared/workload";
import { NATS_CONFIG_MAP, NATS_HEADLESS_SERVICE, PORTS } from "./names";
import { componentLabels, COMPONENTS } from "../../src/contracts/faas";
import { NATS_CREDENTIALS_SECRET } from "../../src/contracts/secrets";
import { natsAuthorization, type NatsUser, workloadNatsUsers } from "./nats-auth";
import { RESOURCES } from "./resources";

/** The alpine image runs as root unless told otherwise. */
const NATS_UID = 1000;
const CONFIG_DIR = "/etc/nats-config";
const PID_DIR = "/var/run/nats";
const DATA_DIR = "/data";
const PID_FILE = `${PID_DIR}/nats.pid`;

/** JetStream may use 90 % of the volume, leaving room for filesystem overhead. */
function maxFileStoreBytes(storageSize: string): number {
  return Math.floor(quantityBytes(storageSize) * 0.9);
}

/**
 * nats.conf: routes to every ordinal when clustered; server_name from the pod name (RAFT needs it
 * unique); the users with their permissions, passwords taken from the environment.
 */
function natsConfig(replicas: number, storageSize: string, users: readonly NatsUser[] = workloadNatsUsers()): string {
  const lines = [
    "server_name: $SERVER_NAME",
    "lame_duck_grace_period: 10s",
    "lame_duck_duration: 30s",
    `pid_file: ${PID_FILE}`,
    `port: ${PORTS.natsClient}`,
    `http_port: ${PORTS.natsMonitor}`,
  ];
  if (replicas > 1) {
    const routes = Array.from({ length: replicas }, (_, i) => `nats://${COMPONENTS.nats}-${i}.${NATS_HEADLESS_SERVICE}:${PORTS.natsCluster}`);
    lines.push(
      "cluster {",
      `  name: ${COMPONENTS.nats}`,
      `  port: ${PORTS.natsCluster}`,
      "  no_advertise: true",
      "  routes: [",
      ...routes.map((r) => `    ${r}`),
      "  ]",
      "}",
    );
  }
  lines.push("jetstream {", "  max_memory_store: 0", `  store_dir: ${DATA_DIR}`, `  max_file_store: ${maxFileStoreBytes(storageSize)}`, "}");
  lines.push(...natsAuthorization(users));
  return lines.join("\n") + "\n";
}

/**
 * Locally each server needs its own node to survive a node loss: the spread constraint is
 * ScheduleAnyway, so with fewer nodes than servers two of them share a node (and fall together).
 * NATS may run on the control plane too, so the nodes are the control plane plus the workers.
 */
export function natsPlacementWarning(env: Environment): string | undefined {
  if (env.kind !== "local" || !env.config.faas.enabled) return undefined;
  const nodes = localVolumeNodes(env.config).length;
  const replicas = env.config.faas.nats.replicas;
  if (nodes >= replicas) return undefined;
  return `${env.name}: faas.nats.replicas is ${replicas} but there are ${nodes} Kubernetes nodes (control plane + workers): several NATS servers share a node, and losing that node can cost the JetStream quorum; add workers or lower faas.nats.replicas`;
}

/** Locally NATS may use the control plane, so three servers fit a two-worker lab one per node. */
const CONTROL_PLANE_TOLERATION: k8s.Toleration = { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" };

export interface NatsProps {
  readonly namespace: string;
  /** Servers in the JetStream cluster: 1, 3 or 5 (`faas.nats.replicas`). */
  readonly replicas: number;
  /** Size of each server's JetStream volume (`faas.nats.storageSize`). */
  readonly storageSize: string;
  /** StorageClass of those volumes: block storage, never NFS (charts/shared/storage.ts). */
  readonly storageClassName: string;
  /** Let servers run on the control plane (a small local lab has too few workers for a quorum). @default false */
  readonly tolerateControlPlane?: boolean;
  /** The Pods' RuntimeClass. @default none: runc */
  readonly runtimeClassName?: string;
}

export class Nats extends Construct {
  constructor(scope: Construct, id: string, props: NatsProps) {
    super(scope, id);
    const ns = props.namespace;
    const labels = componentLabels(COMPONENTS.nats);
    const port = (name: string, containerPort: number): k8s.ContainerPort => ({ name, containerPort, protocol: "TCP" });
    const svcPort = (name: string, p: number): k8s.ServicePort => ({
      name,
      port: p,
      targetPort: k8s.IntOrString.fromString(name),
      protocol: "TCP",
      appProtocol: "tcp",
    });
    const health = (path: string): k8s.HttpGetAction => ({ path, port: k8s.IntOrString.fromString("monitor") });

    new k8s.KubeConfigMap(this, "nats-config", {
      metadata: { name: NATS_CONFIG_MAP, namespace: ns, labels },
      data: { "nats.conf": natsConfig(props.replicas, props.storageSize) },
    });

    new k8s.KubeService(this, "nats-client", {
      metadata: { name: COMPONENTS.nats, namespace: ns, labels },
      spec: { selector: labels, ports: [svcPort("nats", PORTS.natsClient)] },
    });
    new k8s.KubeService(this, "nats-monitor", {
      metadata: { name: `${COMPONENTS.nats}-monitor`, namespace: ns, labels },
      spec: { selector: labels, ports: [{ ...svcPort("monitor", PORTS.natsMonitor), appProtocol: "http" }] },
    });
    new k8s.KubeService(this, "nats-headless", {
      metadata: { name: NATS_HEADLESS_SERVICE, namespace: ns, labels },
      spec: {
        clusterIp: "None",
        // Routes must resolve before a server is ready, or the cluster never forms.
        publishNotReadyAddresses: true,
        selector: labels,
        ports: [svcPort("nats", PORTS.natsClient), svcPort("cluster", PORTS.natsCluster), { ...svcPort("monitor", PORTS.natsMonitor), appProtocol: "http" }],
      },
    });

    new k8s.KubeStatefulSet(this, "nats", {
      metadata: { name: COMPONENTS.nats, namespace: ns, labels },
      spec: {
        serviceName: NATS_HEADLESS_SERVICE,
        replicas: props.replicas,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...(props.runtimeClassName ? { runtimeClassName: props.runtimeClassName } : {}),
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // The reloader signals the server through its pid file.
            shareProcessNamespace: true,
            terminationGracePeriodSeconds: 60,
            securityContext: restrictedPod(NATS_UID),
            topologySpreadConstraints: spreadAcrossNodes(labels),
            ...(props.tolerateControlPlane ? { tolerations: [CONTROL_PLANE_TOLERATION] } : {}),
            containers: [
              {
                name: COMPONENTS.nats,
                image: IMAGES.nats,
                imagePullPolicy: "IfNotPresent",
                args: ["--config", `${CONFIG_DIR}/nats.conf`],
                env: [
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  { name: "SERVER_NAME", value: "$(POD_NAME)" },
                  // nats.conf reads each user's password from these (the Secret is created at deploy time).
                  ...workloadNatsUsers().map((u) => ({
                    name: u.passwordEnv,
                    valueFrom: { secretKeyRef: { name: NATS_CREDENTIALS_SECRET, key: u.secretKey } },
                  })),
                  // Keep the Go heap under the container limit.
                  { name: "GOMEMLIMIT", value: `${Math.floor(quantityBytes(RESOURCES.nats.memoryLimit) * 0.9)}` },
                ],
                ports: [port("nats", PORTS.natsClient), port("cluster", PORTS.natsCluster), port("monitor", PORTS.natsMonitor)],
                startupProbe: { httpGet: health("/healthz"), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
                livenessProbe: { httpGet: health("/healthz?js-enabled-only=true"), periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
                readinessProbe: { httpGet: health("/healthz?js-server-only=true"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                lifecycle: { preStop: { exec: { command: ["nats-server", `-sl=ldm=${PID_FILE}`] } } },
                volumeMounts: [
                  { name: "config", mountPath: CONFIG_DIR },
                  { name: "pid", mountPath: PID_DIR },
                  { name: "nats-js", mountPath: DATA_DIR },
                ],
                resources: resources(RESOURCES.nats),
                securityContext: restrictedContainer(NATS_UID),
              },
              {
                name: "reloader",
                image: IMAGES.natsConfigReloader,
                imagePullPolicy: "IfNotPresent",
                args: ["-pid", PID_FILE, "-config", `${CONFIG_DIR}/nats.conf`],
                volumeMounts: [
                  { name: "config", mountPath: CONFIG_DIR },
                  { name: "pid", mountPath: PID_DIR },
                ],
                resources: resources(RESOURCES.natsReloader),
                securityContext: restrictedContainer(NATS_UID),
              },
            ],
            volumes: [
              { name: "config", configMap: { name: NATS_CONFIG_MAP } },
              { name: "pid", emptyDir: {} },
            ],
          },
        },
        // JetStream state (KV buckets, object stores, streams) lives here and outlives the pod.
        volumeClaimTemplates: [
          {
            metadata: { name: "nats-js", labels },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(props.storageSize) } },
            },
          },
        ],
      },
    });

    // One server at a time keeps a 3- or 5-server quorum through node drains.
    new OneAtATimeBudget(this, "nats-pdb", { name: COMPONENTS.nats, namespace: ns, labels, podLabels: labels });
  }
}
