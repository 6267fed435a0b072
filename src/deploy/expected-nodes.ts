/** How many nodes a deployed environment must have (deploy waits for them; verify checks them). */
import { factsOf } from "../config/profiles";
import type { Environment } from "../config/schema";

/** Nodes the cluster must have: every VM but the NFS server locally; the pool (plus masters on Dedicated) on ACK. */
export function expectedNodes(environment: Environment): number {
  return factsOf(environment).expectedNodes;
}
