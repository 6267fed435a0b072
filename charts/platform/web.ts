/**
 * The demo web app: nginx + php-fpm in one pod serving a PHP page from the shared claim, spread
 * across nodes, scaled by an autoscaling/v2 HPA on CPU, exposed by a LoadBalancer Service (MetalLB)
 * locally or an ALB Ingress on ACK, and fenced by NetworkPolicies. Low-level objects on purpose:
 * cdk8s-plus-28 would add default resources, startup probes and `imagePullPolicy: Always`.
 *
 * The Deployment, its HPA and its PodDisruptionBudget come from the shared StatelessWorkload
 * (charts/shared/workload), which leaves `replicas` to the HPA.
 */
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import type { WebAppConfig } from "../../src/config/schema";
import { Chart, k8s } from "../../src/lib/k8s";
import { AlbIngress } from "../shared/alb-ingress";
import { podSecurityLabels, restrictedContainer } from "../shared/pod-security";
import { INDEX_PHP, NGINX_CONF, PHP_FPM_POOL_CONF, PHP_FPM_PORT, SEED_SCRIPT, WEB_HTTP_PORT } from "./web-content";
import { WEB_ROOT, WEB_APP_NAME } from "../../src/contracts/platform";
import { resources, StatelessWorkload } from "../shared/workload";
import { WebNetworkPolicies } from "./web-network-policy";
import { WEB_CONTENT_VOLUME } from "../../src/contracts/platform";
/** nginx-unprivileged's uid; php-fpm runs as the same uid so both can read what the seed step wrote. */
const WEB_UID = 101;

export type WebExposure =
  /** MetalLB hands out an address from the host-only pool. */
  | { readonly kind: "loadBalancer" }
  /**
   * ALB Ingress. `serviceType` NodePort is needed on ACK clusters with Flannel (ALB cannot reach pod IPs).
   */
  | { readonly kind: "albIngress"; readonly host?: string; readonly serviceType: "ClusterIP" | "NodePort" };

export interface WebChartProps {
  readonly webApp: WebAppConfig;
  /** Cluster minor, pinned in the namespace's Pod Security labels. */
  readonly kubernetesMinor: string;
  readonly exposure: WebExposure;
  /** RuntimeClass of the web Pods (from `webApp.runtime`). @default none: runc */
  readonly runtimeClassName?: string;
}

export class WebChart extends Chart {
  constructor(scope: Construct, id: string, props: WebChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { webApp } = props;
    const namespace = webApp.namespace;
    const labels = { "app.kubernetes.io/name": WEB_APP_NAME, "app.kubernetes.io/part-of": "clusterkit-demo" };

    new k8s.KubeNamespace(this, "namespace", {
      metadata: { name: namespace, labels: podSecurityLabels("restricted", props.kubernetesMinor) },
    });

    new k8s.KubePersistentVolumeClaim(this, "content", {
      metadata: { name: WEB_CONTENT_VOLUME, namespace },
      spec: {
        accessModes: ["ReadWriteMany"],
        storageClassName: "",
        volumeName: WEB_CONTENT_VOLUME,
        resources: { requests: { storage: k8s.Quantity.fromString(webApp.storageSize) } },
      },
    });

    const config = new k8s.KubeConfigMap(this, "config", {
      metadata: { name: `${WEB_APP_NAME}-files`, namespace, labels },
      data: { "index.php": INDEX_PHP, "default.conf": NGINX_CONF, "zzz-clusterkit.conf": PHP_FPM_POOL_CONF },
    });

    const http = k8s.IntOrString.fromString("http");
    const fieldEnv = (name: string, fieldPath: string): k8s.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    const contentMount = (readOnly: boolean): k8s.VolumeMount => ({ name: "content", mountPath: WEB_ROOT, readOnly });

    new StatelessWorkload(this, "workload", {
      name: WEB_APP_NAME,
      namespace,
      labels,
      uid: WEB_UID,
      autoscaling: webApp.hpa,
      runtimeClassName: props.runtimeClassName,
      initContainers: [
        {
          name: "seed-content",
          image: IMAGES.phpFpm,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", SEED_SCRIPT],
          resources: resources({ cpu: "10m", memory: "16Mi", memoryLimit: "32Mi" }),
          securityContext: restrictedContainer(),
          volumeMounts: [contentMount(false), { name: "files", mountPath: "/seed/index.php", subPath: "index.php", readOnly: true }],
        },
      ],
      containers: [
        {
          name: "nginx",
          image: IMAGES.nginx,
          imagePullPolicy: "IfNotPresent",
          ports: [{ name: "http", containerPort: WEB_HTTP_PORT, protocol: "TCP" }],
          livenessProbe: { httpGet: { path: "/healthz", port: http }, periodSeconds: 10, failureThreshold: 3 },
          readinessProbe: { httpGet: { path: "/fpm-ping", port: http }, periodSeconds: 5, failureThreshold: 3 },
          resources: resources({ cpu: "50m", memory: "32Mi", memoryLimit: "64Mi" }),
          securityContext: restrictedContainer(),
          volumeMounts: [
            contentMount(true),
            { name: "files", mountPath: "/etc/nginx/conf.d/default.conf", subPath: "default.conf", readOnly: true },
            // nginx-unprivileged keeps its pid and temp files under /tmp.
            { name: "nginx-tmp", mountPath: "/tmp" },
            { name: "nginx-cache", mountPath: "/var/cache/nginx" },
          ],
        },
        {
          name: "php-fpm",
          image: IMAGES.phpFpm,
          imagePullPolicy: "IfNotPresent",
          env: [fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_IP", "status.podIP"), fieldEnv("NODE_NAME", "spec.nodeName")],
          ports: [{ name: "fastcgi", containerPort: PHP_FPM_PORT, protocol: "TCP" }],
          livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString("fastcgi") }, periodSeconds: 10, failureThreshold: 3 },
          readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString("fastcgi") }, periodSeconds: 5, failureThreshold: 3 },
          resources: resources({ cpu: "100m", memory: "64Mi", memoryLimit: "128Mi" }),
          securityContext: restrictedContainer(),
          volumeMounts: [
            contentMount(true),
            { name: "files", mountPath: "/usr/local/etc/php-fpm.d/zzz-clusterkit.conf", subPath: "zzz-clusterkit.conf", readOnly: true },
            { name: "php-tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        { name: "content", persistentVolumeClaim: { claimName: WEB_CONTENT_VOLUME } },
        { name: "files", configMap: { name: config.name } },
        { name: "nginx-tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString("64Mi") } },
        { name: "nginx-cache", emptyDir: { sizeLimit: k8s.Quantity.fromString("64Mi") } },
        { name: "php-tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString("64Mi") } },
      ],
    });

    const exposure = props.exposure;
    new k8s.KubeService(this, "service", {
      metadata: { name: WEB_APP_NAME, namespace, labels },
      spec: {
        type: exposure.kind === "loadBalancer" ? "LoadBalancer" : exposure.serviceType,
        selector: labels,
        ports: [{ name: "http", port: 80, targetPort: http, protocol: "TCP" }],
      },
    });
    if (exposure.kind === "albIngress") {
      new AlbIngress(this, "ingress", {
        name: WEB_APP_NAME,
        namespace,
        labels,
        host: exposure.host,
        https: webApp.https,
        backend: { name: WEB_APP_NAME, port: { number: 80 } },
        annotations: { "alb.ingress.kubernetes.io/healthcheck-enabled": "true", "alb.ingress.kubernetes.io/healthcheck-path": "/healthz" },
      });
    }

    new WebNetworkPolicies(this, "network-policies", { namespace, podLabels: labels, port: WEB_HTTP_PORT });
  }
}
