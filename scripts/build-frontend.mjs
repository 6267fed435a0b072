#!/usr/bin/env node
// `npm run build:frontend`: installs the frontend's own dependencies when needed
// (service/frontend/package-lock.json, kept out of the root install), runs `next build`, and
// assembles the standalone server into build/frontend/:
//
//   build/frontend/server.js          node server.js (PORT, HOSTNAME, NATS_* from the environment)
//   build/frontend/.next/             server bundles, static assets (.next/static), manifests
//   build/frontend/node_modules/      the traced runtime dependencies only (next, react, nats)
//   build/frontend/BUILD-INFO.json    build id (hash of the inputs), Next.js version, sizes, timings
//
// Copy the folder as it is (it holds one relative symlink under .next/node_modules) to the image's
// /app; at runtime only /tmp and /app/.next/cache need to be writable. Skips the build when
// nothing it depends on changed since the last one (`--force` rebuilds).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const app = join(root, "service", "frontend");
const serviceRoot = dirname(app);
const out = join(root, "build", "frontend");
const force = process.argv.includes("--force");

/** What the build reads: the app's sources and the shared contract. */
const INPUTS = ["app", "components", "lib", "proxy.ts", "next.config.ts", "tsconfig.json", "package.json", "package-lock.json"].map((p) => join(app, p));
INPUTS.push(join(serviceRoot, "contract"), join(root, "scripts", "build-frontend.mjs"));

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((n) => files(join(path, n)));
}

/**
 * Content hash of every input: the Next.js build id (also the up-to-date check). The output is still
 * not byte-identical across builds: Next generates fresh preview and server-action keys each time.
 */
function inputHash() {
  const h = createHash("sha256");
  for (const f of INPUTS.flatMap(files)) h.update(relative(root, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex").slice(0, 20);
}

function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`build:frontend: ${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

function duSync(path) {
  let total = 0;
  for (const f of files(path)) total += statSync(f).size;
  return total;
}

const buildId = inputHash();
const infoFile = join(out, "BUILD-INFO.json");
if (!force && existsSync(infoFile) && JSON.parse(readFileSync(infoFile, "utf8")).buildId === buildId) {
  console.log(`build:frontend: ${relative(root, out)} is up to date (build ${buildId})`);
  process.exit(0);
}

// 1. Dependencies: `npm ci` when node_modules is missing or was installed from another lock file
//    (compared by content: a checkout or rebase touches the file without changing it).
const lock = join(app, "package-lock.json");
const stamp = join(app, "node_modules", ".clusterkit-lock-sha256");
const lockHash = createHash("sha256").update(readFileSync(lock)).digest("hex");
if (!existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== lockHash) {
  const t = Date.now();
  run("npm", ["ci", "--no-audit", "--no-fund", "--prefix", app], root);
  writeFileSync(stamp, `${lockHash}\n`);
  console.log(`build:frontend: npm ci in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// 2. next build (telemetry off: the lab has no internet, and builds should not phone home).
const t0 = Date.now();
run(join(app, "node_modules", ".bin", "next"), ["build"], app, { NEXT_TELEMETRY_DISABLED: "1", CLUSTERKIT_BUILD_ID: buildId });
const buildSeconds = (Date.now() - t0) / 1000;

// 3. Assemble: the standalone server (under frontend/, because the tracing root is service/) plus
//    the static assets next to it, which the standalone output leaves out.
const standalone = join(app, ".next", "standalone", "frontend");
const others = readdirSync(join(app, ".next", "standalone")).filter((n) => n !== "frontend");
if (!existsSync(join(standalone, "server.js")) || others.length > 0) {
  console.error(
    `build:frontend: unexpected standalone layout (server.js missing or extra entries: ${others.join(", ") || "none"}); the assembly step needs updating`,
  );
  process.exit(1);
}
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
cpSync(standalone, tmp, { recursive: true, verbatimSymlinks: true });
cpSync(join(app, ".next", "static"), join(tmp, ".next", "static"), { recursive: true });
if (existsSync(join(app, "public"))) cpSync(join(app, "public"), join(tmp, "public"), { recursive: true });
// Mount point of the writable cache volume (the chart's emptyDir at /app/.next/cache).
mkdirSync(join(tmp, ".next", "cache"), { recursive: true });
// The build machine's absolute paths (build-time settings only) would make the output depend on
// where the repository was checked out; replace them with a fixed one.
for (const f of ["server.js", join(".next", "required-server-files.json")]) {
  const p = join(tmp, f);
  const text = readFileSync(p, "utf8")
    .split(JSON.stringify(serviceRoot).slice(1, -1))
    .join("/build-root/service")
    .split(JSON.stringify(root).slice(1, -1))
    .join("/build-root");
  writeFileSync(p, text);
}
const nextVersion = JSON.parse(readFileSync(join(app, "node_modules", "next", "package.json"), "utf8")).version;
const info = { buildId, next: nextVersion, entry: "server.js", buildSeconds, bytes: duSync(tmp) };
writeFileSync(join(tmp, "BUILD-INFO.json"), `${JSON.stringify(info, null, 2)}\n`);
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.log(
  `build:frontend: next build ${buildSeconds.toFixed(1)} s; ${relative(root, out)} is ${(info.bytes / 1024 / 1024).toFixed(1)} MiB (build ${buildId}); start with: node ${relative(root, join(out, "server.js"))}`,
);
