/** user-data of the NFS server node: the NFS export and the local image registry. */
import type { LocalConfig } from "../../../src/config/schema";
import { clusterNodes } from "../nodes";
import { type CloudConfigDoc, scriptFile } from "./cloud-config";
import { etcHosts } from "./hosts";
import { LOCAL_REGISTRY_PORT, REGISTRY_CONFIG, REGISTRY_DEB_VERSION, REGISTRY_STORAGE, registryConfigYaml } from "./registry";
import { BOOT_STEPS_SCRIPT, bootStepsScript } from "./scripts/boot-steps";
import { IMAGE_REGISTRY_SCRIPT, imageRegistryScript } from "./scripts/image-registry";
import { NFS_SERVER_SCRIPT, nfsServerScript } from "./scripts/nfs-server";

export function nfsNodeCloudConfig(config: LocalConfig): CloudConfigDoc {
  return {
    hostname: config.nfs.name,
    preserve_hostname: false,
    manage_etc_hosts: false,
    package_update: true,
    packages: ["nfs-kernel-server", "curl"],
    write_files: [
      { path: "/etc/hosts", content: etcHosts(clusterNodes(config)), permissions: "0644" },
      scriptFile(NFS_SERVER_SCRIPT, nfsServerScript(config.nfs.exportPath, config.network.cidr)),
      { path: REGISTRY_CONFIG, content: registryConfigYaml(config.nfs.ip), permissions: "0644", owner: "root:root" },
      scriptFile(
        IMAGE_REGISTRY_SCRIPT,
        imageRegistryScript({ configPath: REGISTRY_CONFIG, debVersion: REGISTRY_DEB_VERSION, checkUrl: `http://${config.nfs.ip}:${LOCAL_REGISTRY_PORT}/v2/`, storage: REGISTRY_STORAGE }),
      ),
      scriptFile(BOOT_STEPS_SCRIPT, bootStepsScript([NFS_SERVER_SCRIPT, IMAGE_REGISTRY_SCRIPT])),
    ],
    // One entry: the runner stops at the first failing step.
    runcmd: [[BOOT_STEPS_SCRIPT]],
  };
}
