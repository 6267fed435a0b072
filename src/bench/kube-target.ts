/** The cluster backend for an environment: its kubeconfig, registry, RuntimeClasses and description. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import imagesLock from "../../images/images.lock.json";
import { BUILT_IMAGE_NAMESPACE } from "../config/built-images";
import { environmentNamed } from "../config/load";
import { type RuntimeName } from "../config/runtimes";
import type { EnvironmentConfigs, EnvironmentName, Environment } from "../config/schema";
import { UserError } from "../errors";
import { BENCH_IMAGES, type BenchImage } from "./apps";
import { type ClusterRuntime, KubeBackend } from "./kube";
import { clusterRuntimes } from "./cluster-runtimes";

const TAGS: Readonly<Record<string, { readonly tag: string } | undefined>> = imagesLock.images;

/** `<registry>/clusterkit/<name>:<tag>` for a benchmark image, with the images lock's tag. */
export function benchImageRef(registry: string, name: BenchImage): string {
  const tag = TAGS[name]?.tag;
  if (!tag) throw new Error(`images/images.lock.json has no tag for ${name}; run \`npm run images -- lock\``);
  return `${registry.replace(/\/+$/, "")}/${BUILT_IMAGE_NAMESPACE}/${name}:${tag}`;
}

function describeEnvironment(env: Environment): string {
  if (env.kind === "local") {
    const c = env.config;
    return `${env.name}: kubeadm ${c.kubernetes.version} on VirtualBox, workers ${c.workers.map((w) => `${w.name} ${w.cpus} vCPU/${w.memoryMiB} MiB`).join(", ")}`;
  }
  const c = env.config;
  return `${env.name}: ACK ${c.kubernetes.version}, node pool ${c.nodePool.name} (${c.nodePool.instanceTypes.join("/")}) × ${c.nodePool.desiredSize}, region ${c.region}`;
}

export function clusterBackend(
  name: EnvironmentName,
  configs: EnvironmentConfigs,
  root: string,
  kubeconfig: string | undefined,
  log: (line: string) => void,
): KubeBackend {
  const env = environmentNamed(configs, name);
  const path = resolve(root, kubeconfig ?? env.config.kubeconfigPath);
  if (!existsSync(path))
    throw new UserError(
      `no kubeconfig at ${path}: deploy ${name} first (npm run deploy -- ${name}), or pass --kubeconfig, or benchmark this machine with --local`,
    );
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const registry = env.config.faas.registry;
  const images = Object.fromEntries(Object.values(BENCH_IMAGES).map((i) => [i, benchImageRef(registry, i)])) as Record<BenchImage, string>;
  const runtimes: Record<RuntimeName, ClusterRuntime> = clusterRuntimes(env);
  return new KubeBackend({
    target: name,
    kubeConfig: kc,
    images,
    runtimes,
    podSecurityVersion: `v${env.config.kubernetes.version}`,
    describe: describeEnvironment(env),
    log,
  });
}
