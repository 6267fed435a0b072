/**
 * Platform charts, one manifest file each (ids and apply order in `src/contracts/chart-ids.ts`):
 * local: 10-cni, 20-metrics-server, 30-metallb-config, 40-storage, 50-web;
 * ACK:   40-storage, 50-web (ACK ships its CNI, load balancers and metrics-server).
 */
import { factsOf } from "../../src/config/profiles";
import type { Environment } from "../../src/config/schema";
import type { App } from "../../src/lib/k8s";
import { localVolumeDirs, localVolumeNodes } from "../../src/contracts/storage";
import { kubernetesRelease } from "../../src/config/versions";
import type { SynthContext } from "../../src/contracts/synth-context";
import type { StackOutputs } from "../../src/contracts/stack-outputs";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { AckStorageChart } from "./ack-storage";
import { NAS_SERVER_PLACEHOLDER } from "../../src/contracts/stack-outputs";
import { CalicoChart } from "./calico";
import { FlannelChart } from "./flannel";
import { LocalStorageChart } from "./local-storage";
import { MetalLbConfigChart } from "./metallb-config";
import { MetricsServerChart } from "./metrics-server";
import { podRuntime } from "../runtime-classes";
import { WebChart, type WebExposure } from "./web";

/** The charts of each platform (one per profile in src/config/profiles/). */
const PLATFORM_CHARTS: {
  readonly [P in Environment["kind"]]: (app: App, env: Extract<Environment, { kind: P }>, ctx: SynthContext, outputs: StackOutputs | undefined) => void;
} = {
  local: (app, env) => addLocal(app, env),
  ack: addAck,
};

/**
 * CNI, metrics-server, MetalLB config, storage and the demo web app. `outputs`: the environment's
 * stack outputs (deploy passes them after terraform apply); @default undefined: not deployed, the
 * charts write placeholders (src/synth/stack-outputs.ts).
 */
export function addPlatformCharts(app: App, env: Environment, ctx: SynthContext, outputs?: StackOutputs): void {
  (PLATFORM_CHARTS[env.kind] as (app: App, env: Environment, ctx: SynthContext, outputs: StackOutputs | undefined) => void)(app, env, ctx, outputs);
}

/** How the web app is reached, from the platform profile's facts. */
function webExposure(env: Environment): WebExposure {
  const { exposure } = factsOf(env);
  return exposure.kind === "loadBalancer" ? { kind: "loadBalancer" } : { kind: "albIngress", host: env.config.webApp.host, serviceType: exposure.serviceType };
}

function addLocal(app: App, env: Extract<Environment, { kind: "local" }>): void {
  const { config } = env;
  const network = { podCidr: config.kubernetes.podCidr, nodeInterface: config.network.guestInterface };
  if (config.cni === "flannel") {
    // Flannel ignores NetworkPolicy: charts/index.ts warns (charts/shared/network-policy.ts).
    new FlannelChart(app, CHART_IDS.cni, { ...network, kubernetesMinor: config.kubernetes.version });
  } else {
    new CalicoChart(app, CHART_IDS.cni, network);
  }
  new MetricsServerChart(app, CHART_IDS.metrics, { version: kubernetesRelease(config.kubernetes.version).metricsServer });
  new MetalLbConfigChart(app, CHART_IDS.metallb, {
    addressStart: config.metallb.addressStart,
    addressEnd: config.metallb.addressEnd,
    nodeInterface: config.network.guestInterface,
  });
  const web = config.webApp;
  new LocalStorageChart(app, CHART_IDS.storage, {
    webContent: web.enabled ? { size: web.storageSize, claimNamespace: web.namespace, nfsServer: config.nfs.ip, exportPath: config.nfs.exportPath } : undefined,
    localVolumes: { nodes: localVolumeNodes(config), dirs: localVolumeDirs(config), size: config.faas.nats.storageSize },
  });
  if (web.enabled) {
    new WebChart(app, CHART_IDS.web, { webApp: web, kubernetesMinor: config.kubernetes.version, exposure: webExposure(env), ...podRuntime(env, web.runtime) });
  }
}

function addAck(app: App, env: Extract<Environment, { kind: "ack" }>, ctx: SynthContext, outputs: StackOutputs | undefined): void {
  const { name, config } = env;
  const nasServer = outputs?.nasServer;
  // Before the first deploy the placeholder is expected (deploy fills it in, or refuses): only a
  // deployed stack without the output deserves a warning.
  if (config.webApp.enabled && outputs && !nasServer) {
    ctx.warnings.push(
      `${name}: nas: the stack outputs lack nas_server; the NAS PersistentVolume uses the placeholder ${NAS_SERVER_PLACEHOLDER}, which the deploy step refuses to apply — run \`npm run deploy -- ${name}\` again`,
    );
  }
  const web = config.webApp;
  new AckStorageChart(app, CHART_IDS.storage, {
    webContent: web.enabled ? { size: web.storageSize, claimNamespace: web.namespace } : undefined,
    nasServer,
    nasPath: outputs?.nasPath ?? config.nas.path,
  });
  if (web.enabled) {
    new WebChart(app, CHART_IDS.web, { webApp: web, kubernetesMinor: config.kubernetes.version, exposure: webExposure(env), ...podRuntime(env, web.runtime) });
  }
}
