/** Middleware: Node 22 and the esbuild bundle `npm run build:middleware` writes to build/middleware/. */
import { artefactLayer } from "../lib/artefact";
import { rootfsLayer } from "../lib/layers";
import { NODE_22, nodeBinaryLayer } from "../lib/node-binary";
import { defineRecipe } from "../lib/recipe";
import { NODE_APP_DIR, nodeAppConfig } from "./node-app";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "middleware",
  description: `the code-execution middleware on Node ${NODE_22.version}`,
  layers: [
    rootfsLayer(ROOTFS.nodeApp),
    nodeBinaryLayer(NODE_22),
    artefactLayer({
      id: "middleware-app",
      script: "build:middleware",
      dir: "build/middleware",
      entry: "main.js",
      dest: NODE_APP_DIR,
      owner: "the middleware (service/middleware/)",
      sources: [{ path: "service/middleware" }, { path: "service/contract" }, { path: "scripts/build-middleware.mjs" }, { path: "package-lock.json" }],
    }),
  ],
  config: nodeAppConfig("main.js"),
});
