/**
 * The code-execution workload, `60-faas` (its RuntimeClasses are in `05-runtime-classes`, see
 * charts/runtime-classes.ts). Nothing when faas is disabled. `faasChartProps` is the one place
 * that reads the environment; every construct below takes only the values it uses.
 */
import { factsOf } from "../../src/config/profiles";
import type { Construct } from "constructs";
import type { RuntimeClassSpec } from "../../src/contracts/runtimes";
import type { Environment, FaasConfig } from "../../src/config/schema";
import { type App, Chart } from "../../src/lib/k8s";
import type { SynthContext } from "../../src/contracts/synth-context";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { runtimeClassOf } from "../runtime-classes";
import { blockStorageClass } from "../shared/storage";
import { Executors } from "./executors";
import { Frontend } from "./frontend";
import { Middleware } from "./middleware";
import { clusterDomain, LANGUAGES, natsUrl, serviceHost } from "./names";
import { COMPONENTS } from "../../src/contracts/faas";
import { FaasNamespaces } from "./namespaces";
import { Nats, natsPlacementWarning } from "./nats";
import { type ApiServerTarget, apiServerTargets, FaasNetworkPolicies } from "./network-policies";
import { Oauth2Proxy, type Oauth2ProxyEntry } from "./oauth2-proxy";
import { ExecutorPrepull, pauseImage, prepullNodeCount } from "./prepull";
import { MiddlewareRbac } from "./rbac";
import { faasSecrets } from "../../src/contracts/secrets";

export interface FaasChartProps {
  /** The `faas` section of the environment's configuration. */
  readonly faas: FaasConfig;
  /** Kubernetes minor of the cluster (Pod Security enforce-version). */
  readonly kubernetesMinor: string;
  /** DNS domain of the cluster's Services. */
  readonly clusterDomain: string;
  /** RuntimeClass of each component's Pods; a component missing here runs under runc. */
  readonly runtimeClasses: Readonly<Partial<Record<"oauth2Proxy" | "frontend" | "middleware" | "nats" | "executors", RuntimeClassSpec>>>;
  /** Where the middleware reaches the Kubernetes API. */
  readonly apiServer: readonly ApiServerTarget[];
  /** StorageClass of NATS' JetStream volumes (block storage, never NFS). */
  readonly natsStorageClass: string;
  /** Whether NATS servers may run on the control plane. */
  readonly natsOnControlPlane: boolean;
  /** How traffic from outside reaches oauth2-proxy. */
  readonly entry: Oauth2ProxyEntry;
  /** Most worker nodes the image pre-pull DaemonSet can run on. */
  readonly prepullNodes: number;
  /** The pause image of the cluster's minor. */
  readonly pauseImage: string;
}

/** What the environment decides for the workload: cluster flavour, runtimes, storage, entry. */
function faasChartProps(env: Environment): FaasChartProps {
  const faas = env.config.faas;
  const rc = (runtime: FaasConfig["frontend"]["runtime"]) => runtimeClassOf(env, runtime);
  // The platform profile's door: MetalLB's LoadBalancer Service, or an ALB Ingress (NodePort
  // backends where ALB cannot reach pod IPs) whose proxies oauth2-proxy trusts.
  const facts = factsOf(env);
  const entry: Oauth2ProxyEntry = facts.exposure;
  return {
    faas,
    kubernetesMinor: env.config.kubernetes.version,
    clusterDomain: clusterDomain(env),
    runtimeClasses: {
      oauth2Proxy: rc(faas.oauth2Proxy.runtime),
      frontend: rc(faas.frontend.runtime),
      middleware: rc(faas.middleware.runtime),
      nats: rc(faas.nats.runtime),
      executors: rc(faas.executors.runtime),
    },
    apiServer: apiServerTargets(env),
    natsStorageClass: blockStorageClass(env),
    // A two-worker lab needs the control plane for a three-server quorum.
    natsOnControlPlane: facts.workloadsOnControlPlane,
    entry,
    prepullNodes: prepullNodeCount(env),
    pauseImage: pauseImage(env),
  };
}

class FaasChart extends Chart {
  constructor(scope: Construct, id: string, props: FaasChartProps) {
    super(scope, id);
    const { faas } = props;
    const ns = faas.namespace;
    const exNs = faas.executorNamespace;
    const rcName = (c: keyof FaasChartProps["runtimeClasses"]) => props.runtimeClasses[c]?.name;
    const nats = natsUrl(ns, props.clusterDomain);

    new FaasNamespaces(this, "namespaces", { namespace: ns, executorNamespace: exNs, kubernetesMinor: props.kubernetesMinor });
    new FaasNetworkPolicies(this, "network-policies", { namespace: ns, executorNamespace: exNs, frontendPort: faas.frontend.port, apiServer: props.apiServer });
    new Nats(this, "nats", {
      namespace: ns,
      replicas: faas.nats.replicas,
      storageSize: faas.nats.storageSize,
      storageClassName: props.natsStorageClass,
      tolerateControlPlane: props.natsOnControlPlane,
      runtimeClassName: rcName("nats"),
    });
    new MiddlewareRbac(this, "middleware-rbac", { namespace: ns, executorNamespace: exNs });
    new Middleware(this, "middleware", {
      namespace: ns,
      image: faas.middleware.image,
      port: faas.middleware.port,
      hpa: faas.middleware.hpa,
      natsUrl: nats,
      bucketReplicas: faas.nats.replicas,
      executorNamespace: exNs,
      maxConcurrentJobs: faas.executors.maxPods,
      runtimeClassName: rcName("middleware"),
    });
    new Frontend(this, "frontend", {
      namespace: ns,
      image: faas.frontend.image,
      port: faas.frontend.port,
      hpa: faas.frontend.hpa,
      natsUrl: nats,
      runtimeClassName: rcName("frontend"),
    });
    const secret = faasSecrets(faas).find((s) => s.name === faas.oauth2Proxy.secretName && s.namespace === ns);
    if (!secret) throw new Error("faasSecrets() no longer describes the oauth2-proxy Secret");
    new Oauth2Proxy(this, "oauth2-proxy", {
      namespace: ns,
      config: faas.oauth2Proxy,
      upstreamUrl: `http://${serviceHost(COMPONENTS.frontend, ns, props.clusterDomain)}:${faas.frontend.port}/`,
      secret,
      entry: props.entry,
      runtimeClassName: rcName("oauth2Proxy"),
    });
    new Executors(this, "executors", { namespace: exNs, executors: faas.executors, runtimeClass: props.runtimeClasses.executors });
    new ExecutorPrepull(this, "prepull", {
      namespace: exNs,
      images: LANGUAGES.map((lang) => ({ name: lang, image: faas.executors.images[lang] })),
      pauseImage: props.pauseImage,
      nodes: props.prepullNodes,
      // Pull where jobs run: the nodes the executors' runtime needs (Kata: labelled nodes).
      nodeSelector: props.runtimeClasses.executors?.nodeSelector,
    });
  }
}

export function addFaasCharts(app: App, env: Environment, ctx: SynthContext): void {
  if (!env.config.faas.enabled) return;
  const placement = natsPlacementWarning(env);
  if (placement) ctx.warnings.push(placement);
  new FaasChart(app, CHART_IDS.faas, faasChartProps(env));
}
