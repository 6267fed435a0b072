/** user-data of the NFS server node. */
import type { LocalConfig } from "../../../src/config/schema";
import { clusterNodes } from "../nodes";
import { type CloudConfigDoc, scriptFile } from "./cloud-config";
import { etcHosts } from "./hosts";
import { NFS_SERVER_SCRIPT, nfsServerScript } from "./scripts/nfs-server";

export function nfsNodeCloudConfig(config: LocalConfig): CloudConfigDoc {
  return {
    hostname: config.nfs.name,
    preserve_hostname: false,
    manage_etc_hosts: false,
    package_update: true,
    packages: ["nfs-kernel-server"],
    write_files: [
      { path: "/etc/hosts", content: etcHosts(clusterNodes(config)), permissions: "0644" },
      scriptFile(NFS_SERVER_SCRIPT, nfsServerScript(config.nfs.exportPath, config.network.cidr)),
    ],
    runcmd: [[NFS_SERVER_SCRIPT]],
  };
}
