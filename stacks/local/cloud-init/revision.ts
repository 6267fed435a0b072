/**
 * A node's seed revision: what, when it changes, must replace the VM (cloud-init reads the seed only
 * on first boot). It is the seed minus the cluster-wide /etc/hosts list, so adding or removing a
 * worker creates or destroys that worker without replacing every other node. Computed from the
 * cloud-config object, before it is written out as YAML.
 */
import { createHash } from "node:crypto";
import type { CloudConfigDoc } from "./cloud-config";

const HOSTS_FILE = "/etc/hosts";

export function seedRevision(userData: CloudConfigDoc, networkConfig: string): string {
  const withoutHosts = { ...userData, write_files: (userData.write_files ?? []).filter((f) => f.path !== HOSTS_FILE) };
  return createHash("sha256").update(JSON.stringify(withoutHosts)).update(networkConfig).digest("hex").slice(0, 16);
}
