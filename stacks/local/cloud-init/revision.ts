/**
 * A node's seed revision: what, when it changes, must replace the VM (cloud-init reads the seed only
 * on first boot). It is the seed minus the cluster-wide /etc/hosts list, so adding or removing a
 * worker creates or destroys that worker without replacing every other node.
 */
import { createHash } from "node:crypto";
import { parse, stringify } from "yaml";
import type { SeedDocuments } from "./render";

export const HOSTS_FILE = "/etc/hosts";

export function seedRevision(docs: SeedDocuments): string {
  const userData = parse(docs["user-data"]) as { write_files?: { path: string }[] };
  userData.write_files = (userData.write_files ?? []).filter((f) => f.path !== HOSTS_FILE);
  return createHash("sha256").update(stringify(userData)).update(docs["network-config"]).digest("hex").slice(0, 16);
}
