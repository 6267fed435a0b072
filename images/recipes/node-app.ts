/** What the Node 22 application images (middleware, frontend) share. */
import { IMAGE_UID } from "../lib/constants";
import type { ImageConfig } from "../lib/oci";

export const NODE_APP_DIR = "/app";

export function nodeAppConfig(entry: string, extraEnv: readonly string[] = []): ImageConfig {
  return {
    user: `${IMAGE_UID}:${IMAGE_UID}`,
    env: ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production", "HOME=/tmp", ...extraEnv],
    entrypoint: ["/usr/local/bin/node", `${NODE_APP_DIR}/${entry}`],
    workingDir: NODE_APP_DIR,
  };
}
