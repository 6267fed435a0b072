/**
 * An Ingress for Alibaba Cloud's ALB Ingress controller (ACK add-on `alb-ingress-controller`).
 * With HTTPS the rule must be attached to both listeners: without `listen-ports` it lands on
 * HTTP:80 only. The certificate is auto-discovered by host from `tls`: one for the host must exist
 * in Alibaba Cloud Certificate Management Service.
 */
import type { Construct } from "constructs";
import { k8s } from "../../src/lib/k8s";

export interface AlbIngressProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Public host name. @default none (any host) */
  readonly host?: string;
  /** Serve HTTPS on 443 and redirect HTTP to it (needs `host`; without one it is plain HTTP). */
  readonly https: boolean;
  readonly backend: k8s.IngressServiceBackend;
  /** Extra ALB annotations, e.g. health checks. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

const ALB_HTTPS_ANNOTATIONS: Readonly<Record<string, string>> = {
  "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80},{"HTTPS": 443}]',
  "alb.ingress.kubernetes.io/ssl-redirect": "true",
};

export class AlbIngress extends k8s.KubeIngress {
  constructor(scope: Construct, id: string, props: AlbIngressProps) {
    const https = props.https && props.host !== undefined;
    const annotations = { ...props.annotations, ...(https ? ALB_HTTPS_ANNOTATIONS : {}) };
    super(scope, id, {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: {
        ingressClassName: "alb",
        ...(https ? { tls: [{ hosts: [props.host!] }] } : {}),
        rules: [
          {
            ...(props.host ? { host: props.host } : {}),
            http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: props.backend } }] },
          },
        ],
      },
    });
  }
}
