/**
 * metrics-server, synthesized from the upstream release manifest of the version the compatibility
 * table pins for the cluster's minor (`versions.ts`), with the flags a kubeadm cluster needs:
 * `--kubelet-insecure-tls` (kubeadm kubelets serve self-signed certificates without IP SANs) and
 * `InternalIP` first (the host-only address; the NAT address is the same on every VM).
 */
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import { Chart, k8s } from "../../src/lib/k8s";
import { restrictedContainer } from "../shared/pod-security";
import { resources } from "../shared/workload";

const NAMESPACE = "kube-system";
const NAME = "metrics-server";

export interface MetricsServerChartProps {
  /** metrics-server release, from the compatibility table for the cluster's minor (`versions.ts`). */
  readonly version: string;
}

/** The metrics-server arguments for a kubeadm cluster. */
function metricsServerArgs(): string[] {
  return [
    "--cert-dir=/tmp",
    "--secure-port=10250",
    "--kubelet-preferred-address-types=InternalIP",
    "--kubelet-use-node-status-port",
    "--metric-resolution=15s",
    "--kubelet-insecure-tls",
  ];
}

export class MetricsServerChart extends Chart {
  constructor(scope: Construct, id: string, props: MetricsServerChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { version } = props;
    const labels = { "k8s-app": NAME };
    const namespace = NAMESPACE;
    const sa = { kind: "ServiceAccount", name: NAME, namespace };

    new k8s.KubeServiceAccount(this, "sa", { metadata: { name: NAME, namespace, labels } });
    new k8s.KubeClusterRole(this, "aggregated-reader", {
      metadata: {
        name: "system:aggregated-metrics-reader",
        labels: {
          ...labels,
          "rbac.authorization.k8s.io/aggregate-to-admin": "true",
          "rbac.authorization.k8s.io/aggregate-to-edit": "true",
          "rbac.authorization.k8s.io/aggregate-to-view": "true",
        },
      },
      rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
    });
    new k8s.KubeClusterRole(this, "role", {
      metadata: { name: "system:metrics-server", labels },
      rules: [
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
      ],
    });
    new k8s.KubeRoleBinding(this, "auth-reader", {
      metadata: { name: "metrics-server-auth-reader", namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
      subjects: [sa],
    });
    new k8s.KubeClusterRoleBinding(this, "auth-delegator", {
      metadata: { name: "metrics-server:system:auth-delegator", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [sa],
    });
    new k8s.KubeClusterRoleBinding(this, "binding", {
      metadata: { name: "system:metrics-server", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:metrics-server" },
      subjects: [sa],
    });
    new k8s.KubeService(this, "service", {
      metadata: { name: NAME, namespace, labels },
      spec: {
        selector: labels,
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: k8s.IntOrString.fromString("https"), appProtocol: "https" }],
      },
    });
    const httpsProbe = (path: string): k8s.HttpGetAction => ({ path, port: k8s.IntOrString.fromString("https"), scheme: "HTTPS" });
    new k8s.KubeDeployment(this, "deployment", {
      metadata: { name: NAME, namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        strategy: { rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            priorityClassName: "system-cluster-critical",
            nodeSelector: { "kubernetes.io/os": "linux" },
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: NAME,
                image: IMAGES.metricsServer(version),
                imagePullPolicy: "IfNotPresent",
                args: metricsServerArgs(),
                ports: [{ name: "https", containerPort: 10250, protocol: "TCP" }],
                livenessProbe: { httpGet: httpsProbe("/livez"), periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { httpGet: httpsProbe("/readyz"), initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 },
                resources: resources({ cpu: "100m", memory: "200Mi", memoryLimit: "400Mi" }),
                securityContext: { ...restrictedContainer(), runAsUser: 1000 },
                volumeMounts: [{ name: "tmp-dir", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp-dir", emptyDir: {} }],
          },
        },
      },
    });
    new k8s.KubeApiService(this, "apiservice", {
      metadata: { name: "v1beta1.metrics.k8s.io", labels },
      spec: {
        group: "metrics.k8s.io",
        version: "v1beta1",
        groupPriorityMinimum: 100,
        versionPriority: 100,
        // As upstream: the aggregator does not verify metrics-server's self-signed serving certificate.
        insecureSkipTlsVerify: true,
        service: { name: NAME, namespace },
      },
    });
  }
}
