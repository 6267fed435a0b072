/** JavaScript executor: Debian's Node.js 18, plus the trusted runner. */
import { rootfsLayer } from "../lib/layers";
import { defineRecipe } from "../lib/recipe";
import { executorConfig, RUNNER_LAYER } from "./executor";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "executor-javascript",
  description: "runs users' JavaScript jobs: Node.js 18 (Debian bookworm) and the trusted faas-runner",
  layers: [rootfsLayer(ROOTFS.javascript), RUNNER_LAYER],
  config: executorConfig("javascript"),
  toolchain: ["nodejs"],
});
