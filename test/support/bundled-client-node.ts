/**
 * @kubernetes/client-node for the tests, bundled into one CommonJS file (esbuild), which jest's
 * moduleNameMapper loads instead of the package: jest transforms and loads the package's ES
 * modules one by one, over a thousand files, about 1.5 s of CPU in every test file that imports
 * it; the bundle loads in a quarter of a second. Built by the global setup when missing or when
 * the package or esbuild changed; the code is the package's own.
 */
import { buildSync, version as esbuildVersion } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const PROJECT_ROOT = resolve(__dirname, "..", "..");
/** What jest.config.js maps `@kubernetes/client-node` to. */
const CLIENT_NODE_BUNDLE = join(PROJECT_ROOT, "node_modules", ".cache", "clusterkit-jest", "kubernetes-client-node.cjs");

function stamp(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", "@kubernetes", "client-node", "package.json"), "utf8")) as { version: string };
  return `@kubernetes/client-node ${pkg.version}, esbuild ${esbuildVersion}`;
}

export function ensureClientNodeBundle(): void {
  const stampFile = `${CLIENT_NODE_BUNDLE}.stamp`;
  const want = stamp();
  if (existsSync(CLIENT_NODE_BUNDLE) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === want) return;
  const result = buildSync({
    entryPoints: [require.resolve("@kubernetes/client-node")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
    write: false,
  });
  mkdirSync(dirname(CLIENT_NODE_BUNDLE), { recursive: true });
  // Renamed into place: a concurrent run never loads half a file.
  const tmp = `${CLIENT_NODE_BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0]!.contents);
  renameSync(tmp, CLIENT_NODE_BUNDLE);
  writeFileSync(stampFile, want);
}
