/**
 * oauth2-proxy: the only entry point. Credentials come from a Secret created at deploy time
 * (`secrets.ts`); the chart references it by name and never contains it.
 */
import type { Construct } from "constructs";
import type { Environment } from "../../src/config/schema";
import { IMAGES } from "../../src/config/images";
import { k8s } from "../../src/lib/k8s";
import { albIngress } from "../shared/alb-ingress";
import { addFaasDeployment } from "./deployment";
import { podRuntime } from "../runtime-classes";
import { componentLabels, COMPONENTS, PORTS, serviceHost } from "./names";
import { resources, RESOURCES } from "./resources";
import { faasSecrets, OAUTH2_PROXY_SECRET_ENV } from "./secrets";
import { SIGN_IN_TEMPLATE } from "./sign-in-page";
import { restrictedContainer } from "../shared/pod-security";

/** The distroless image's `nonroot` user. */
const OAUTH2_PROXY_UID = 65532;

/** Secret (created by deploy, bcrypt hashes only) with the local users' htpasswd file. */
export const LOCAL_USERS_SECRET = "oauth2-proxy-local-users";
export const LOCAL_USERS_KEY = "htpasswd";
/** ConfigMap holding the sign-in page that offers only the local users' form. */
export const SIGN_IN_TEMPLATES_CONFIG_MAP = "oauth2-proxy-templates";
const HTPASSWD_DIR = "/etc/oauth2-proxy/users";
const TEMPLATES_DIR = "/etc/oauth2-proxy/templates";

/** Address of a generated local account. */
export function localUserEmail(name: string, emailDomain: string): string {
  return `${name}@${emailDomain}`;
}

export function oauth2ProxyArgs(env: Environment): string[] {
  const faas = env.config.faas;
  const o = faas.oauth2Proxy;
  const local = o.signIn === "local-users";
  return [
    // Local users: oauth2-proxy still needs a provider configured; it is never offered (the sign-in
    // page shows only the form) and its generated client id matches no registration anywhere.
    `--provider=${local ? "google" : o.provider}`,
    ...(!local && o.oidcIssuerUrl ? [`--oidc-issuer-url=${o.oidcIssuerUrl}`] : []),
    // htpasswd sessions carry no email (X-Forwarded-User is the account's address); the domain
    // list still must admit only ours, so a provider login could never get in either.
    ...(local ? [`--email-domain=${o.localUsers.emailDomain}`] : o.emailDomains.map((d) => `--email-domain=${d}`)),
    ...(local
      ? [`--htpasswd-file=${HTPASSWD_DIR}/${LOCAL_USERS_KEY}`, "--display-htpasswd-form=true", `--custom-templates-dir=${TEMPLATES_DIR}`]
      : []),
    // The default 127.0.0.1 is unreachable from outside the pod.
    `--http-address=0.0.0.0:${PORTS.oauth2Proxy}`,
    `--upstream=http://${serviceHost(env, COMPONENTS.frontend, faas.namespace)}:${faas.frontend.port}/`,
    `--redirect-url=${o.redirectUrl}`,
    `--cookie-secure=${o.cookieSecure}`,
    // Not sent on cross-site subrequests or form posts: another site cannot act with the session.
    "--cookie-samesite=lax",
    // Trust X-Forwarded-* only behind ALB, and only from inside the VPC (ALB reaches the pods from
    // its vSwitch addresses). Locally clients connect directly (MetalLB, port-forward): no proxy.
    ...(env.kind === "ack" ? ["--reverse-proxy=true", `--trusted-proxy-ip=${env.config.network.vpcCidr}`] : ["--reverse-proxy=false"]),
  ];
}

export function addOauth2Proxy(scope: Construct, env: Environment): void {
  const faas = env.config.faas;
  const labels = componentLabels(COMPONENTS.oauth2Proxy);
  const secret = faasSecrets(faas).find((s) => s.name === faas.oauth2Proxy.secretName && s.namespace === faas.namespace);
  if (!secret) throw new Error("faasSecrets() no longer describes the oauth2-proxy Secret");
  const probe = (path: string): k8s.Probe => ({ httpGet: { path, port: k8s.IntOrString.fromString("http") }, periodSeconds: 10, timeoutSeconds: 2 });

  const local = faas.oauth2Proxy.signIn === "local-users";
  if (local) {
    new k8s.KubeConfigMap(scope, "oauth2-proxy-templates", {
      metadata: { name: SIGN_IN_TEMPLATES_CONFIG_MAP, namespace: faas.namespace, labels },
      data: { "sign_in.html": SIGN_IN_TEMPLATE },
    });
  }
  addFaasDeployment(scope, {
    ...podRuntime(env, env.config.faas.oauth2Proxy.runtime),
    component: COMPONENTS.oauth2Proxy,
    namespace: faas.namespace,
    uid: OAUTH2_PROXY_UID,
    replicas: faas.oauth2Proxy.replicas,
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
      args: oauth2ProxyArgs(env),
      // oauth2-proxy reads OAUTH2_PROXY_<FLAG>; the Secret's keys are exposed under exactly those names.
      env: secret.keys.map((k) => ({ name: OAUTH2_PROXY_SECRET_ENV[k.key as keyof typeof OAUTH2_PROXY_SECRET_ENV], valueFrom: { secretKeyRef: { name: secret.name, key: k.key } } })),
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

  // Locally MetalLB answers LoadBalancer Services; on ACK the ALB Ingress is the door. With
  // Flannel on ACK, ALB can only reach NodePort backends.
  const ackFlannel = env.kind === "ack" && env.config.cluster.cni === "flannel";
  const type = env.kind === "local" ? "LoadBalancer" : ackFlannel ? "NodePort" : "ClusterIP";
  new k8s.KubeService(scope, "oauth2-proxy-service", {
    metadata: { name: COMPONENTS.oauth2Proxy, namespace: faas.namespace, labels },
    spec: {
      type,
      selector: labels,
      ports: [{ name: "http", port: PORTS.oauth2ProxyService, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }],
    },
  });

  if (env.kind === "ack") {
    // One source of truth: the public host and scheme are the redirect URL's.
    const url = new URL(faas.oauth2Proxy.redirectUrl);
    const host = url.hostname;
    const https = url.protocol === "https:";
    albIngress(scope, "oauth2-proxy-ingress", {
      name: COMPONENTS.oauth2Proxy,
      namespace: faas.namespace,
      labels,
      host,
      https,
      backend: { name: COMPONENTS.oauth2Proxy, port: { name: "http" } },
    });
  }
}
