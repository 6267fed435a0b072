/** C executor: Debian's gcc 12 and glibc headers, plus the trusted runner. */
import { rootfsLayer } from "../lib/layers";
import { defineRecipe } from "../lib/recipe";
import { executorConfig, RUNNER_LAYER } from "./executor";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "executor-c",
  description: "runs users' C jobs: gcc 12 (Debian bookworm) and the trusted faas-runner",
  layers: [rootfsLayer(ROOTFS.c), RUNNER_LAYER],
  config: executorConfig("c"),
  toolchain: ["gcc-12", "libc6-dev"],
});
