/** Runtime benchmark, I/O-bound: the static workload alone (writes, fsyncs and reads on /data). */
import { SIZES, workloadArgs } from "../../src/bench/apps";
import { defineRecipe } from "../lib/recipe";
import { WORKLOAD_LAYER, workloadConfig } from "./bench";

export default defineRecipe(__filename, {
  name: "bench-io",
  description: "runtime benchmark, I/O-bound: file writes with fsync and reads on the pod's volume",
  layers: [WORKLOAD_LAYER],
  config: { ...workloadConfig("io"), cmd: workloadArgs("io", SIZES.default) },
});
