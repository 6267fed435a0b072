/**
 * Delivering the service's images. Every image the configuration names is one of:
 *  - built here and pushed by deploy: its reference is `<target registry>/clusterkit/<name>:<tag>`
 *    where the target is the environment's registry (locally the NFS node's, `<nfs.ip>:5000`; on
 *    ACK the namespace of Alibaba Container Registry, pulled through the VPC endpoint) and `<name>`
 *    the image that field holds (frontend, middleware, executor-<language>);
 *  - pinned by digest: expected to exist wherever it points;
 *  - anything else (a tag this deploy did not build) is refused by preflight, naming the field.
 * Built archives (build/images/<name>.tar, `npm run images -- build`) are pushed with our OCI
 * client before the workloads that use them are applied; a re-run pushes nothing new.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { acrPushEndpoint, acrVpcEndpoint, localRegistryHost } from "../contracts/registry";
import { BUILT_IMAGE_NAMESPACE, type BuiltImageName } from "../config/built-images";
import type { Environment } from "../config/schema";
import { credentialsFromEnv, REGISTRY_ENV } from "../registry/auth";
import { RegistryClient } from "../registry/client";
import { OciArchive } from "../registry/oci-archive";
import { pushArchive, type PushResult } from "../registry/push";
import { parseReference } from "../registry/reference";
import type { Reporter } from "./reporter";
import { type Runner, tail } from "./runner";

/** Config fields holding the service's images, and the built image each one is. */
export const IMAGE_FIELDS: readonly { readonly field: string; readonly name: BuiltImageName; readonly get: (e: Environment) => string }[] = [
  { field: "faas.frontend.image", name: "frontend", get: (e: Environment) => e.config.faas.frontend.image },
  { field: "faas.middleware.image", name: "middleware", get: (e: Environment) => e.config.faas.middleware.image },
  { field: "faas.executors.images.go", name: "executor-go", get: (e: Environment) => e.config.faas.executors.images.go },
  { field: "faas.executors.images.javascript", name: "executor-javascript", get: (e: Environment) => e.config.faas.executors.images.javascript },
  { field: "faas.executors.images.c", name: "executor-c", get: (e: Environment) => e.config.faas.executors.images.c },
];

export interface ImageDelivery {
  /** `<env>.faas.frontend.image` */
  readonly field: string;
  readonly reference: string;
  /** Built image name (archive build/images/<name>.tar). */
  readonly name: string;
  /** Where deploy pushes: registry API URL, repository and tag. */
  readonly push: { readonly baseUrl: string; readonly repository: string; readonly tag: string };
  /** Log in with CLUSTERKIT_REGISTRY_USERNAME/PASSWORD (ACR); the local registry needs none. */
  readonly needsLogin: boolean;
}

export interface ImagePlan {
  readonly deliveries: readonly ImageDelivery[];
  /** Digest-pinned references deploy expects to exist. */
  readonly expected: readonly string[];
  /** One line per image deploy can neither build, push nor expect to exist, naming the field. */
  readonly problems: readonly string[];
}

/** The registry deploy pushes to, as seen in image references, and how it reaches it. */
export function deliveryTarget(environment: Environment): { prefix: string; baseUrl: string; repositoryPrefix: string; needsLogin: boolean } {
  if (environment.kind === "local") {
    const host = localRegistryHost(environment.config);
    return { prefix: `${host}/${BUILT_IMAGE_NAMESPACE}/`, baseUrl: `http://${host}`, repositoryPrefix: `${BUILT_IMAGE_NAMESPACE}/`, needsLogin: false };
  }
  const c = environment.config;
  // References name the VPC endpoint (nodes pull inside the VPC); deploy pushes to the public one.
  // The ACR namespace is the references' first path segment (`<vpc endpoint>/clusterkit/<name>`).
  const ns = c.containerRegistry.namespace;
  return { prefix: `${acrVpcEndpoint(c.region)}/${ns}/`, baseUrl: `https://${acrPushEndpoint(c.region)}`, repositoryPrefix: `${ns}/`, needsLogin: true };
}

export function planImages(environment: Environment): ImagePlan {
  const deliveries: ImageDelivery[] = [];
  const expected: string[] = [];
  const problems: string[] = [];
  if (!environment.config.faas.enabled) return { deliveries, expected, problems };
  const target = deliveryTarget(environment);
  for (const f of IMAGE_FIELDS) {
    const reference = f.get(environment);
    const field = `${environment.name}.${f.field}`;
    const parsed = parseReference(reference);
    if (reference.startsWith(target.prefix) && parsed?.tag && parsed.repository === `${target.repositoryPrefix}${f.name}`) {
      deliveries.push({
        field,
        reference,
        name: f.name,
        push: { baseUrl: target.baseUrl, repository: parsed.repository, tag: parsed.tag },
        needsLogin: target.needsLogin,
      });
    } else if (parsed?.digest) {
      expected.push(reference);
    } else {
      problems.push(
        `${field}: ${reference} is neither built and pushed by deploy (${target.prefix}${f.name}:<tag>) nor pinned by digest; deploy cannot know it exists — pin it as <image>@sha256:<digest>, or remove the override to use the image this repository builds`,
      );
    }
  }
  return { deliveries, expected, problems };
}

export function archivePath(root: string, name: string): string {
  return join(root, "build", "images", `${name}.tar`);
}

/** The reference an archive was built for (index.json's ref annotation), or undefined. */
function archiveReference(path: string): string | undefined {
  try {
    const root = OciArchive.open(path).roots[0];
    return root?.annotations?.["io.containerd.image.name"] ?? root?.annotations?.["org.opencontainers.image.ref.name"];
  } catch {
    return undefined;
  }
}

/** True when the archive holds the image this delivery names (same repository name and tag). */
export function archiveMatches(path: string, d: ImageDelivery): boolean {
  if (!existsSync(path)) return false;
  const ref = archiveReference(path);
  if (!ref) return false;
  const parsed = parseReference(ref);
  return parsed?.tag === d.push.tag && (parsed.repository.split("/").pop() ?? "") === d.name;
}

export function hasImagesScript(root: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return typeof pkg.scripts?.images === "string";
  } catch {
    return false;
  }
}

/** Preflight: what stops the delivery before anything is created (never a credential's value). */
export function imagePreflightProblems(root: string, plan: ImagePlan, env: NodeJS.ProcessEnv, canBuild = hasImagesScript(root)): string[] {
  const problems = [...plan.problems];
  const unbuildable = plan.deliveries.filter((d) => !archiveMatches(archivePath(root, d.name), d));
  if (unbuildable.length && !canBuild) {
    for (const d of unbuildable)
      problems.push(
        `${d.field}: ${d.reference} must be built here, but build/images/${d.name}.tar is missing and package.json has no "images" script to build it`,
      );
  }
  if (plan.deliveries.some((d) => d.needsLogin)) {
    try {
      if (!credentialsFromEnv(env))
        problems.push(
          `pushing to ${plan.deliveries[0]!.push.baseUrl} needs a registry login: set ${REGISTRY_ENV.username} and ${REGISTRY_ENV.password} (for Alibaba ACR personal edition: your account name and the registry password set in the ACR console)`,
        );
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems;
}

/** Builds the images whose archive is missing or stale (`npm run images -- build <names> --env <env>`). */
export type ImageBuilder = (names: readonly string[], environment: Environment) => Promise<void>;

export function npmImageBuilder(root: string, runner: Runner, reporter: Reporter): ImageBuilder {
  return async (names, environment) => {
    const r = await runner.run("npm", ["run", "-s", "images", "--", "build", ...names, "--env", environment.name], {
      cwd: root,
      onOutput: (c) => reporter.output(c),
    });
    if (r.code !== 0) throw new Error(`npm run images -- build ${names.join(" ")} failed (exit ${r.code}): ${tail(r.stderr || r.stdout, 5)}`);
  };
}

/** Pushes one archive; injectable so tests need no registry. */
export type ImagePusher = (archive: string, d: ImageDelivery, env: NodeJS.ProcessEnv, progress: (line: string) => void) => Promise<PushResult>;

export const registryPusher: ImagePusher = (archive, d, env, progress) => {
  const client = new RegistryClient({ baseUrl: d.push.baseUrl, credentials: d.needsLogin ? credentialsFromEnv(env) : undefined });
  return pushArchive(client, archive, d.push.repository, d.push.tag, { progress });
};
