/** Runtime benchmark, CPU-bound: gcc 12 (the C executor's root filesystem), the workload and the C file it compiles. */
import { SIZES, workloadArgs } from "../../src/bench/apps";
import { directoryLayer, rootfsLayer } from "../lib/layers";
import { defineRecipe } from "../lib/recipe";
import { WORKLOAD_LAYER, workloadConfig } from "./bench";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "bench-cpu",
  description: "runtime benchmark, CPU-bound: gcc -O2 compiles, then a compute kernel",
  layers: [rootfsLayer(ROOTFS.c), WORKLOAD_LAYER, directoryLayer("bench-source", "bench", "/opt/bench")],
  config: { ...workloadConfig("cpu"), cmd: workloadArgs("cpu", SIZES.default) },
  toolchain: ["gcc-12"],
});
