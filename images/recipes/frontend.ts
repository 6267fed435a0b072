/**
 * Frontend: Node 22 and the Next.js standalone app `npm run build:frontend` assembles in
 * build/frontend/ (server.js at its root, with .next/static and public/ beside it).
 */
import { artefactLayer } from "../lib/artefact";
import { rootfsLayer } from "../lib/layers";
import { NODE_22, nodeBinaryLayer } from "../lib/node-binary";
import { defineRecipe } from "../lib/recipe";
import { NODE_APP_DIR, nodeAppConfig } from "./node-app";
import { ROOTFS } from "./rootfs";

export default defineRecipe(__filename, {
  name: "frontend",
  description: `the code-execution web frontend (Next.js standalone) on Node ${NODE_22.version}`,
  layers: [
    rootfsLayer(ROOTFS.nodeApp),
    nodeBinaryLayer(NODE_22),
    artefactLayer({
      id: "frontend-app",
      script: "build:frontend",
      dir: "build/frontend",
      entry: "server.js",
      dest: NODE_APP_DIR,
      owner: "the frontend (service/frontend/)",
      sources: [{ path: "service/frontend" }, { path: "service/contract" }, { path: "package-lock.json" }],
    }),
  ],
  config: nodeAppConfig("server.js", ["NEXT_TELEMETRY_DISABLED=1"]),
});
