/**
 * Images this repository builds (images/recipes/, `npm run images -- build`), referenced as
 * `<registry>/clusterkit/<name>:<tag>`. The tags come from images/images.lock.json, which the
 * build writes and a fast test keeps in step with the images' inputs: the charts name exactly
 * what the build produces. Imported as a module, so synth reads no file for it.
 */
import imagesLock from "../../images/images.lock.json";
import { LOCAL_REGISTRY_PORT } from "../contracts/ports";

/** The image names the service's defaults use (each is a recipe in images/recipes/). */
export const BUILT_IMAGE_NAMES = ["frontend", "middleware", "executor-go", "executor-javascript", "executor-c"] as const;
export type BuiltImageName = (typeof BUILT_IMAGE_NAMES)[number];

/** Repository path prefix of every built image. */
export const BUILT_IMAGE_NAMESPACE = "clusterkit";

/** Registry host[:port][/path]: lower-case DNS name or IPv4, optional port and path segments. */
export const REGISTRY_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)*$/;

const TAGS: Readonly<Record<string, { readonly tag: string } | undefined>> = imagesLock.images;

export function builtImageTag(name: BuiltImageName): string {
  const entry = TAGS[name];
  if (!entry) throw new Error(`images/images.lock.json has no tag for ${name}; run \`npm run images -- lock\``);
  return entry.tag;
}

export function builtImage(registry: string, name: BuiltImageName): string {
  return `${registry.replace(/\/+$/, "")}/${BUILT_IMAGE_NAMESPACE}/${name}:${builtImageTag(name)}`;
}

/** Default registry: the local registry on the NFS node, or the region's VPC endpoint of Alibaba ACR. */
export function localRegistry(nfsIp: string): string {
  return `${nfsIp}:${LOCAL_REGISTRY_PORT}`;
}

export function ackRegistry(region: string): string {
  return `registry-vpc.${region}.aliyuncs.com`;
}
