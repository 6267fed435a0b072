/**
 * Where images are pushed and pulled: the stacks create the registries (the local one on the NFS
 * node, ACR on Alibaba Cloud) and point the nodes at them; deploy pushes there.
 */
import { localRegistry } from "../config/built-images";
import type { LocalConfig } from "../config/schema";

/** `host:port` of the local registry (the default `faas.registry` locally). */
export function localRegistryHost(config: LocalConfig): string {
  return localRegistry(config.nfs.ip);
}

/** The ACR endpoint deploy pushes to (from outside the VPC). */
export function acrPushEndpoint(region: string): string {
  return `registry.${region}.aliyuncs.com`;
}

/** The ACR endpoint nodes pull through (inside the VPC). */
export function acrVpcEndpoint(region: string): string {
  return `registry-vpc.${region}.aliyuncs.com`;
}
