/** Renders a node's NoCloud seed: user-data, meta-data and network-config. */
import type { LocalConfig } from "../../../src/config/schema";
import type { ClusterNode } from "../nodes";
import { kubernetesNodeUserData } from "./k8s-node";
import { metaData } from "./meta-data";
import { networkConfig } from "./network-config";
import { nfsNodeUserData } from "./nfs-node";
import type { NodeSecrets } from "./secrets";

export interface SeedDocuments {
  readonly "user-data": string;
  readonly "meta-data": string;
  readonly "network-config": string;
}

/** The three file names cloud-init's NoCloud datasource reads (hence Joliet/Rock Ridge on the ISO). */
export const SEED_FILES = ["user-data", "meta-data", "network-config"] as const;

/**
 * @param userDataHash expression for the instance-id suffix; defaults to the sha256 of the rendered
 *   user-data (the stack passes a Terraform expression because the secrets are only known at apply).
 */
export function renderSeed(config: LocalConfig, node: ClusterNode, secrets: NodeSecrets, userDataHash?: string): SeedDocuments {
  const userData = node.role === "nfs" ? nfsNodeUserData(config) : kubernetesNodeUserData(config, { ...node, role: node.role }, secrets);
  return {
    "user-data": userData,
    "meta-data": metaData(node.vm.name, userData, userDataHash),
    "network-config": networkConfig(config, node.vm.ip),
  };
}
