/** What the three executor recipes share: the runner layer and the config the Pod relies on. */
import { EXECUTOR_PATHS } from "../../service/contract/executor";
import { IMAGE_UID } from "../lib/constants";
import type { ImageConfig } from "../lib/oci";
import { runnerLayer } from "../lib/runner";
import { ROOTFS } from "./rootfs";

/** The runner, compiled once with the C executor's gcc, is the same layer in every executor. */
export const RUNNER_LAYER = runnerLayer({ source: "service/executor/runner.c", toolchain: ROOTFS.c });

export function executorConfig(language: string): ImageConfig {
  return {
    user: `${IMAGE_UID}:${IMAGE_UID}`,
    env: ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", `HOME=${EXECUTOR_PATHS.tmpDir}`],
    entrypoint: [EXECUTOR_PATHS.runner],
    cmd: ["run"],
    workingDir: EXECUTOR_PATHS.workDir,
    labels: { "io.clusterkit.language": language },
  };
}
