/** Go executor: Debian's Go toolchain (GO_TOOLCHAIN in rootfs.ts), plus the trusted runner. */
import { rootfsLayer } from "../lib/layers";
import { defineRecipe } from "../lib/recipe";
import { executorConfig, RUNNER_LAYER } from "./executor";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "executor-go",
  description: "runs users' Go jobs: Debian's Go toolchain and the trusted faas-runner",
  layers: [rootfsLayer(ROOTFS.go), RUNNER_LAYER],
  config: executorConfig("go"),
  toolchain: ["golang-go"],
});
