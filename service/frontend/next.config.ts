import path from "node:path";
import type { NextConfig } from "next";
import { MAX_SUBMISSION_BODY_BYTES } from "../contract/http";

/**
 * The shared contract lives in ../contract (service/contract), outside this app: Turbopack resolves
 * files only inside its root, and standalone tracing copies files only inside its root, so both
 * roots are the `service/` folder. The standalone server therefore lands at
 * `.next/standalone/frontend/server.js`; `npm run build:frontend` (scripts/build-frontend.mjs)
 * assembles it into build/frontend/.
 */
const serviceRoot = path.join(__dirname, "..");

const nextConfig: NextConfig = {
  output: "standalone",
  turbopack: { root: serviceRoot },
  outputFileTracingRoot: serviceRoot,
  // nats opens TCP sockets; load it from node_modules at runtime rather than bundle it.
  serverExternalPackages: ["nats"],
  poweredByHeader: false,
  // scripts/build-frontend.mjs passes a hash of the inputs (stable client asset paths for the same sources).
  generateBuildId: () => process.env.CLUSTERKIT_BUILD_ID ?? null,
  // No next/image here: keep sharp and its libvips (~19 MB) out of the standalone output.
  images: { unoptimized: true },
  outputFileTracingExcludes: { "*": ["node_modules/sharp/**", "node_modules/@img/**"] },
  experimental: {
    // A submission is at most 128 KiB of source (SOURCE_LIMITS) plus multipart overhead.
    serverActions: { bodySizeLimit: "1mb" },
    // The identity gate (proxy.ts) buffers request bodies up to this size and silently cuts longer
    // ones; POST /api/jobs refuses anything over MAX_SUBMISSION_BODY_BYTES (413), so a cut body,
    // always longer than that, is refused rather than misread.
    proxyClientMaxBodySize: 2 * MAX_SUBMISSION_BODY_BYTES,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
        ],
      },
    ];
  },
};

export default nextConfig;
