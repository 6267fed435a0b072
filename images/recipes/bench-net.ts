/** Runtime benchmark, network-bound (and container start): the static workload's HTTP server. */
import { SIZES, workloadArgs } from "../../src/bench/apps";
import { defineRecipe } from "../lib/recipe";
import { WORKLOAD_LAYER, workloadConfig } from "./bench";

export default defineRecipe(__filename, {
  name: "bench-net",
  description: "runtime benchmark, network-bound: an HTTP server, one connection per request",
  layers: [WORKLOAD_LAYER],
  config: { ...workloadConfig("net"), cmd: workloadArgs("net", SIZES.default) },
});
