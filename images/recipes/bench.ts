/** What the runtime benchmark's workload images share: the static workload program and its config. */
import { BENCH_PATHS } from "../../src/bench/apps";
import { IMAGE_UID } from "../lib/constants";
import type { ImageConfig } from "../lib/oci";
import { staticProgramLayer } from "../lib/static-program";
import { ROOTFS } from "./rootfs";

/** bench/workload.c, compiled once with the C executor's locked gcc; the same layer in every bench image. */
export const WORKLOAD_LAYER = staticProgramLayer({
  id: "bench-workload",
  source: "bench/workload.c",
  dest: BENCH_PATHS.workload,
  toolchain: ROOTFS.c,
  missing: "the runtime benchmark's images run this program",
});

export function workloadConfig(app: string): ImageConfig {
  return {
    user: `${IMAGE_UID}:${IMAGE_UID}`,
    env: ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", `HOME=${BENCH_PATHS.tmpDir}`],
    entrypoint: [BENCH_PATHS.workload],
    workingDir: "/",
    labels: { "io.clusterkit.bench": app },
  };
}
