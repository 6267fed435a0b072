/** The manifest files of an environment (`dist/<env>/NN-name.k8s.yaml`), in apply order. */
import { readdirSync } from "node:fs";

/** File names sorted by name, which is the apply order (src/contracts/chart-ids.ts). */
export function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".k8s.yaml"))
    .sort();
}
