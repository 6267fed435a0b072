/** user-data of the NFS server node: the NFS export and the local image registry, through the same boot runner as the Kubernetes nodes. */
import type { LocalConfig } from "../../../src/config/schema";
import { clusterNodes } from "../../../src/contracts/local-nodes";
import { bootFiles } from "./boot";
import { type CloudConfigDoc, scriptFile } from "./cloud-config";
import { etcHosts } from "./hosts";
import { LOCAL_REGISTRY_PORT } from "../../../src/contracts/ports";
import { REGISTRY_CONFIG, REGISTRY_DEB_VERSION, REGISTRY_STORAGE, registryConfigYaml } from "./registry";
import { IMAGE_REGISTRY_SCRIPT, imageRegistryScript } from "./scripts/image-registry";
import { nodeAccessConfig } from "./node-access";
import type { NodeAccessKeys } from "./secrets";
import { NFS_SERVER_SCRIPT, nfsServerScript } from "./scripts/nfs-server";
import { PACKAGES_SCRIPT } from "./scripts/packages";

/** Distribution packages of the NFS node (the registry's own package is its step's: it pins a version). */
const NFS_NODE_PACKAGES = ["nfs-kernel-server", "curl"] as const;

export function nfsNodeCloudConfig(config: LocalConfig, access: NodeAccessKeys): CloudConfigDoc {
  return {
    hostname: config.nfs.name,
    preserve_hostname: false,
    manage_etc_hosts: false,
    ...nodeAccessConfig(access),
    ...bootFiles([PACKAGES_SCRIPT, NFS_SERVER_SCRIPT, IMAGE_REGISTRY_SCRIPT], NFS_NODE_PACKAGES, [
      { path: "/etc/hosts", content: etcHosts(clusterNodes(config)), permissions: "0644" },
      scriptFile(NFS_SERVER_SCRIPT, nfsServerScript(config.nfs.exportPath, config.network.cidr)),
      { path: REGISTRY_CONFIG, content: registryConfigYaml(config.nfs.ip), permissions: "0644", owner: "root:root" },
      scriptFile(
        IMAGE_REGISTRY_SCRIPT,
        imageRegistryScript({
          configPath: REGISTRY_CONFIG,
          debVersion: REGISTRY_DEB_VERSION,
          checkUrl: `http://${config.nfs.ip}:${LOCAL_REGISTRY_PORT}/v2/`,
          storage: REGISTRY_STORAGE,
        }),
      ),
    ]),
  };
}
