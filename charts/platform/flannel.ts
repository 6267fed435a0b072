/**
 * Flannel, synthesized from `Documentation/kube-flannel.yml` of the Flannel release the artefact table pins
 * (`src/config/upstream-artefacts.ts`), with three
 * deliberate changes: the pod network comes from config, flanneld is bound to the host-only NIC
 * (`--iface`; the NAT NIC has the same address on every VM), and every container has requests.
 * Flannel does NOT enforce NetworkPolicy; the platform warns when it is selected.
 */
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import { Chart, k8s } from "../../src/lib/k8s";
import { podSecurityLabels } from "../shared/pod-security";
import { resources } from "../shared/workload";
import { FLANNEL_DAEMONSET, FLANNEL_NAMESPACE } from "../../src/contracts/platform";

export interface FlannelChartProps {
  /** The pod network (`kubernetes.podCidr`); flanneld's `Network` must equal it. */
  readonly podCidr: string;
  /** The NIC flanneld binds to (`--iface`: the host-only one; the NAT NIC has the same address on every VM). */
  readonly nodeInterface: string;
  /** Cluster minor, pinned in the namespace's Pod Security labels. */
  readonly kubernetesMinor: string;
  /**
   * Flannel backend type.
   * @default "vxlan"
   */
  readonly backend?: "vxlan" | "host-gw" | "wireguard";
}

/** The `net-conf.json` flanneld reads; `Network` must equal the cluster's pod CIDR. */
function flannelNetConf(podCidr: string, backend: string): string {
  return JSON.stringify({ Network: podCidr, EnableNFTables: false, Backend: { Type: backend } }, null, 2);
}

const CNI_CONF = {
  name: "cbr0",
  cniVersion: "0.3.1",
  plugins: [
    { type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: "portmap", capabilities: { portMappings: true } },
  ],
};

export class FlannelChart extends Chart {
  constructor(scope: Construct, id: string, props: FlannelChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = FLANNEL_NAMESPACE;
    const labels = { "k8s-app": "flannel" };

    new k8s.KubeNamespace(this, "namespace", {
      // hostNetwork, hostPath and NET_ADMIN/NET_RAW: nothing below "privileged" admits flanneld.
      metadata: { name: FLANNEL_NAMESPACE, labels: { ...labels, ...podSecurityLabels("privileged", props.kubernetesMinor) } },
    });
    new k8s.KubeServiceAccount(this, "sa", { metadata: { name: "flannel", namespace, labels } });
    new k8s.KubeClusterRole(this, "role", {
      metadata: { name: "flannel", labels },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, "binding", {
      metadata: { name: "flannel", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "flannel" },
      subjects: [{ kind: "ServiceAccount", name: "flannel", namespace: FLANNEL_NAMESPACE }],
    });
    new k8s.KubeConfigMap(this, "config", {
      metadata: { name: "kube-flannel-cfg", namespace, labels: { ...labels, tier: "node", app: "flannel" } },
      data: {
        "cni-conf.json": JSON.stringify(CNI_CONF, null, 2),
        "net-conf.json": flannelNetConf(props.podCidr, props.backend ?? "vxlan"),
      },
    });

    const small = resources({ cpu: "10m", memory: "16Mi", memoryLimit: "64Mi" });
    new k8s.KubeDaemonSet(this, "daemonset", {
      metadata: { name: FLANNEL_DAEMONSET, namespace, labels: { ...labels, tier: "node", app: "flannel" } },
      spec: {
        selector: { matchLabels: { app: "flannel" } },
        template: {
          metadata: { labels: { tier: "node", app: "flannel" } },
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
                },
              },
            },
            hostNetwork: true,
            priorityClassName: "system-node-critical",
            tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
            serviceAccountName: "flannel",
            initContainers: [
              {
                name: "install-cni-plugin",
                image: IMAGES.flannelCniPlugin,
                command: ["cp"],
                args: ["-f", "/flannel", "/opt/cni/bin/flannel"],
                resources: small,
                volumeMounts: [{ name: "cni-plugin", mountPath: "/opt/cni/bin" }],
              },
              {
                name: "install-cni",
                image: IMAGES.flannel,
                command: ["/opt/bin/install-conf"],
                args: ["/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"],
                resources: small,
                volumeMounts: [
                  { name: "cni", mountPath: "/etc/cni/net.d" },
                  { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                ],
              },
            ],
            containers: [
              {
                name: "kube-flannel",
                image: IMAGES.flannel,
                command: ["/opt/bin/flanneld"],
                args: ["--ip-masq", "--kube-subnet-mgr", "--healthz-port=8081", `--iface=${props.nodeInterface}`],
                ports: [{ name: "healthz", containerPort: 8081, protocol: "TCP" }],
                livenessProbe: { httpGet: { path: "/healthz", port: k8s.IntOrString.fromString("healthz") }, initialDelaySeconds: 10, periodSeconds: 30 },
                readinessProbe: { httpGet: { path: "/readyz", port: k8s.IntOrString.fromString("healthz") }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: resources({ cpu: "100m", memory: "50Mi", memoryLimit: "128Mi" }),
                securityContext: { privileged: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
                env: [
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  { name: "EVENT_QUEUE_DEPTH", value: "5000" },
                  { name: "CONT_WHEN_CACHE_NOT_READY", value: "false" },
                ],
                volumeMounts: [
                  { name: "run", mountPath: "/run/flannel" },
                  { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                  { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                ],
              },
            ],
            volumes: [
              { name: "run", hostPath: { path: "/run/flannel" } },
              { name: "cni-plugin", hostPath: { path: "/opt/cni/bin" } },
              { name: "cni", hostPath: { path: "/etc/cni/net.d" } },
              { name: "flannel-cfg", configMap: { name: "kube-flannel-cfg" } },
              { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
            ],
          },
        },
      },
    });
  }
}
