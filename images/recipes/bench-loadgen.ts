/** Runtime benchmark on a cluster: the project's load generator (scripts/loadgen.ts) as a client Pod, on Node 22. */
import { artefactLayer } from "../lib/artefact";
import { rootfsLayer } from "../lib/layers";
import { NODE_22, nodeBinaryLayer } from "../lib/node-binary";
import { defineRecipe } from "../lib/recipe";
import { NODE_APP_DIR, nodeAppConfig } from "./node-app";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "bench-loadgen",
  description: `runtime benchmark: scripts/loadgen.ts on Node ${NODE_22.version}, the client of bench-net on a cluster`,
  layers: [
    rootfsLayer(ROOTFS.nodeApp),
    nodeBinaryLayer(NODE_22),
    artefactLayer({
      id: "loadgen-app",
      script: "build:loadgen",
      dir: "build/loadgen",
      entry: "main.js",
      dest: NODE_APP_DIR,
      owner: "the runtime benchmark (scripts/build-loadgen.mjs)",
      sources: [{ path: "scripts/loadgen.ts" }, { path: "scripts/build-loadgen.mjs" }],
    }),
  ],
  config: nodeAppConfig("main.js"),
});
