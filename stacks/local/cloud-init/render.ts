/** Renders a node's NoCloud seed: user-data, meta-data and network-config. */
import type { LocalConfig } from "../../../src/config/schema";
import type { ClusterNode } from "../../../src/contracts/local-nodes";
import { cloudConfig } from "./cloud-config";
import { kubernetesNodeCloudConfig } from "./k8s-node";
import { metaData } from "./meta-data";
import { networkConfig } from "./network-config";
import { nfsNodeCloudConfig } from "./nfs-node";
import { seedRevision } from "./revision";
import type { NodeSecrets } from "./secrets";

export interface SeedDocuments {
  readonly "user-data": string;
  readonly "meta-data": string;
  readonly "network-config": string;
}

export interface RenderedSeed {
  readonly documents: SeedDocuments;
  /** Changes when the VM must be replaced (see `revision.ts`). */
  readonly revision: string;
}

/** The three file names cloud-init's NoCloud datasource reads (hence Joliet/Rock Ridge on the ISO). */
export const SEED_FILES = ["user-data", "meta-data", "network-config"] as const;

/**
 * @param userDataHash expression for the instance-id suffix; defaults to the sha256 of the rendered
 *   user-data (the stack passes a Terraform expression because the secrets are only known at apply).
 */
export function renderSeed(config: LocalConfig, node: ClusterNode, secrets: NodeSecrets, userDataHash?: string): RenderedSeed {
  const doc = node.role === "nfs" ? nfsNodeCloudConfig(config, secrets) : kubernetesNodeCloudConfig(config, { ...node, role: node.role }, secrets);
  const userData = cloudConfig(doc);
  const network = networkConfig(config, node.vm.ip);
  return {
    documents: { "user-data": userData, "meta-data": metaData(node.vm.name, userData, userDataHash), "network-config": network },
    revision: seedRevision(doc, network),
  };
}
