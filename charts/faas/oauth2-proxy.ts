/**
 * oauth2-proxy: the only entry point. Credentials come from a Secret created at deploy time
 * (`secrets.ts`); the chart references it by name and never contains it.
 */
import { Construct } from "constructs";
import { IMAGES } from "../../src/config/images";
import type { FaasConfig } from "../../src/config/schema";
import { k8s } from "../../src/lib/k8s";
import { AlbIngress } from "../shared/alb-ingress";
import { restrictedContainer } from "../shared/pod-security";
import { resources } from "../shared/workload";
import { FaasDeployment } from "./deployment";
import { PORTS } from "./names";
import { componentLabels, COMPONENTS } from "../../src/contracts/faas";
import { RESOURCES } from "./resources";
import { OAUTH2_PROXY_SECRET_ENV, type SecretSpec, LOCAL_USERS_KEY, LOCAL_USERS_SECRET } from "../../src/contracts/secrets";
import { SIGN_IN_TEMPLATE } from "./sign-in-page";

/** The distroless image's `nonroot` user. */
const OAUTH2_PROXY_UID = 65532;

/** ConfigMap holding the sign-in page that offers only the local users' form. */
const SIGN_IN_TEMPLATES_CONFIG_MAP = "oauth2-proxy-templates";
const HTPASSWD_DIR = "/etc/oauth2-proxy/users";
const TEMPLATES_DIR = "/etc/oauth2-proxy/templates";

/** How traffic from outside reaches oauth2-proxy. */
export type Oauth2ProxyEntry =
  /** A LoadBalancer Service (MetalLB locally); clients connect directly, so no proxy headers are trusted. */
  | { readonly kind: "loadBalancer" }
  /**
   * An ALB Ingress in front of a ClusterIP Service (NodePort with Flannel on ACK: ALB can then only
   * reach node ports). X-Forwarded-* is trusted only from `trustedProxyCidr` (the VPC).
   */
  | { readonly kind: "albIngress"; readonly serviceType: "ClusterIP" | "NodePort"; readonly trustedProxyCidr: string };

export interface Oauth2ProxyProps {
  readonly namespace: string;
  /** The `faas.oauth2Proxy` section. */
  readonly config: FaasConfig["oauth2Proxy"];
  /** Where authenticated requests go: the frontend's URL inside the cluster. */
  readonly upstreamUrl: string;
  /** The Secret deploy creates for it (secrets.ts faasSecrets); its keys become OAUTH2_PROXY_* variables. */
  readonly secret: SecretSpec;
  readonly entry: Oauth2ProxyEntry;
  /** The Pods' RuntimeClass. @default none: runc */
  readonly runtimeClassName?: string;
}

function oauth2ProxyArgs(props: Pick<Oauth2ProxyProps, "config" | "upstreamUrl" | "entry">): string[] {
  const o = props.config;
  const local = o.signIn === "local-users";
  return [
    // Local users: oauth2-proxy still needs a provider configured; it is never offered (the sign-in
    // page shows only the form) and its generated client id matches no registration anywhere.
    `--provider=${local ? "google" : o.provider}`,
    ...(!local && o.oidcIssuerUrl ? [`--oidc-issuer-url=${o.oidcIssuerUrl}`] : []),
    // htpasswd sessions carry no email (X-Forwarded-User is the account's address); the domain
    // list still must admit only ours, so a provider login could never get in either.
    ...(local ? [`--email-domain=${o.localUsers.emailDomain}`] : o.emailDomains.map((d) => `--email-domain=${d}`)),
    ...(local ? [`--htpasswd-file=${HTPASSWD_DIR}/${LOCAL_USERS_KEY}`, "--display-htpasswd-form=true", `--custom-templates-dir=${TEMPLATES_DIR}`] : []),
    // The default 127.0.0.1 is unreachable from outside the pod.
    `--http-address=0.0.0.0:${PORTS.oauth2Proxy}`,
    `--upstream=${props.upstreamUrl}`,
    `--redirect-url=${o.redirectUrl}`,
    `--cookie-secure=${o.cookieSecure}`,
    // Not sent on cross-site subrequests or form posts: another site cannot act with the session.
    "--cookie-samesite=lax",
    // Trust X-Forwarded-* only behind ALB, and only from inside the VPC (ALB reaches the pods from
    // its vSwitch addresses). Locally clients connect directly (MetalLB, port-forward): no proxy.
    ...(props.entry.kind === "albIngress" ? ["--reverse-proxy=true", `--trusted-proxy-ip=${props.entry.trustedProxyCidr}`] : ["--reverse-proxy=false"]),
  ];
}

export class Oauth2Proxy extends Construct {
  constructor(scope: Construct, id: string, props: Oauth2ProxyProps) {
    super(scope, id);
    const { namespace, secret, entry } = props;
    const o = props.config;
    const labels = componentLabels(COMPONENTS.oauth2Proxy);
    const probe = (path: string): k8s.Probe => ({ httpGet: { path, port: k8s.IntOrString.fromString("http") }, periodSeconds: 10, timeoutSeconds: 2 });

    const local = o.signIn === "local-users";
    if (local) {
      new k8s.KubeConfigMap(this, "templates", {
        metadata: { name: SIGN_IN_TEMPLATES_CONFIG_MAP, namespace, labels },
        data: { "sign_in.html": SIGN_IN_TEMPLATE },
      });
    }
    new FaasDeployment(this, "workload", {
      runtimeClassName: props.runtimeClassName,
      component: COMPONENTS.oauth2Proxy,
      namespace,
      uid: OAUTH2_PROXY_UID,
      replicas: o.replicas,
      scratch: {},
      volumes: local
        ? [
            // The Secret is created by deploy; until then the pod waits (optional: false).
            { name: "local-users", secret: { secretName: LOCAL_USERS_SECRET, defaultMode: 0o440, items: [{ key: LOCAL_USERS_KEY, path: LOCAL_USERS_KEY }] } },
            { name: "templates", configMap: { name: SIGN_IN_TEMPLATES_CONFIG_MAP, defaultMode: 0o444 } },
          ]
        : [],
      container: {
        name: COMPONENTS.oauth2Proxy,
        image: IMAGES.oauth2Proxy,
        imagePullPolicy: "IfNotPresent",
        args: oauth2ProxyArgs(props),
        // oauth2-proxy reads OAUTH2_PROXY_<FLAG>; the Secret's keys are exposed under exactly those names.
        env: secret.keys.map((k) => ({
          name: OAUTH2_PROXY_SECRET_ENV[k.key as keyof typeof OAUTH2_PROXY_SECRET_ENV],
          valueFrom: { secretKeyRef: { name: secret.name, key: k.key } },
        })),
        ...(local
          ? {
              volumeMounts: [
                { name: "local-users", mountPath: HTPASSWD_DIR, readOnly: true },
                { name: "templates", mountPath: TEMPLATES_DIR, readOnly: true },
              ],
            }
          : {}),
        ports: [{ name: "http", containerPort: PORTS.oauth2Proxy, protocol: "TCP" }],
        livenessProbe: probe("/ping"),
        readinessProbe: probe("/ready"),
        resources: resources(RESOURCES.oauth2Proxy),
        securityContext: restrictedContainer(OAUTH2_PROXY_UID),
      },
    });

    new k8s.KubeService(this, "service", {
      metadata: { name: COMPONENTS.oauth2Proxy, namespace, labels },
      spec: {
        type: entry.kind === "loadBalancer" ? "LoadBalancer" : entry.serviceType,
        selector: labels,
        ports: [{ name: "http", port: PORTS.oauth2ProxyService, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }],
      },
    });

    if (entry.kind === "albIngress") {
      // One source of truth: the public host and scheme are the redirect URL's.
      const url = new URL(o.redirectUrl);
      new AlbIngress(this, "ingress", {
        name: COMPONENTS.oauth2Proxy,
        namespace,
        labels,
        host: url.hostname,
        https: url.protocol === "https:",
        backend: { name: COMPONENTS.oauth2Proxy, port: { name: "http" } },
      });
    }
  }
}
