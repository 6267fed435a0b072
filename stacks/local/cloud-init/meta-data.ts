/** The seed's `meta-data`. */
import { createHash } from "node:crypto";

/**
 * cloud-init runs user-data once per instance-id; putting a hash of the user-data in it means changed
 * content is a new instance. `userDataHash` is a Terraform expression in the stack; tests let it default.
 */
export function metaData(hostname: string, userData: string, userDataHash?: string): string {
  const hash = userDataHash ?? createHash("sha256").update(userData).digest("hex").slice(0, 16);
  return `instance-id: ${hostname}-${hash}\nlocal-hostname: ${hostname}\n`;
}
