/**
 * Everything the browser tests need, started in one call and stopped with stop():
 *
 *   browser ──► oauth2-proxy stand-in ──► frontend (build/frontend/server.js) ──► nats-server ◄── middleware
 *
 * - nats-server with the chart's synthesized nats.conf (users and permissions as deployed);
 * - the built Next.js standalone server with the env the chart gives the frontend pod, on a
 *   read-only root filesystem (private mount namespace; only /tmp and .next/cache writable);
 * - the stand-in for oauth2-proxy in front of it (the only way in);
 * - the middleware: by default the real one (build/middleware/main.js) against the fake Kubernetes
 *   API with scripted executor Pods (middleware-process.ts); pass `middleware` to start it with
 *   another Pod runner, e.g. one that runs the executor images (it receives the NATS address and
 *   the chart's middleware credentials).
 *
 * Reusable by full-stack tests: `const stack = await startFaasStack({ middleware: middlewareProcess({ runner }) })`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { NATS_ENV } from "../../../service/contract/env";
import { API_PATHS } from "../../../service/contract/http";
import { startNatsServer, type RunningNats } from "../../support/nats-server";
import { chartNats } from "./chart-nats";
import { startOauth2ProxyStandIn, type Oauth2ProxyStandIn } from "./oauth2-proxy";
import { freePort } from "./ports";
import { middlewareProcess } from "./middleware-process";

const REPO_ROOT = resolve(__dirname, "../../..");
const FRONTEND_BUILD = join(REPO_ROOT, "build", "frontend");

export interface NatsCredentials {
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

export interface Stoppable {
  stop(): Promise<void>;
  /** What the process printed, when there is one. */
  log?(): string;
}

/** Starts a middleware against the stack's NATS (as the chart's `middleware` user). */
export type MiddlewareStarter = (nats: NatsCredentials) => Promise<Stoppable>;

export interface FaasStackOptions {
  /** Folder with the built frontend's server.js. @default build/frontend (run `npm run build:frontend` first; see ensureFrontendBuilt) */
  readonly frontendDir?: string;
  /** @default middlewareProcess(): the real middleware, executor Pods scripted (run ensureMiddlewareBuilt() first) */
  readonly middleware?: MiddlewareStarter;
  /** Test users offered as buttons on the stand-in's sign-in page. @default none */
  readonly users?: readonly string[];
  /** Run the frontend on a read-only root filesystem (needs root and unshare). @default true */
  readonly readOnlyRoot?: boolean;
}

export interface FaasStack {
  /** The stand-in's address: where a browser goes. */
  readonly url: string;
  /** The frontend itself (tests only: nothing else may reach it in a cluster). */
  readonly frontendUrl: string;
  readonly nats: RunningNats;
  readonly proxy: Oauth2ProxyStandIn;
  /** The middleware the stack started. */
  readonly middleware: Stoppable;
  /** Process id of the frontend's node process (its mount table shows the read-only root). */
  readonly frontendPid: number;
  /** Output of the frontend process so far. */
  frontendLog(): string;
  stop(): Promise<void>;
}

/** Builds the frontend when build/frontend is missing or stale (the build script skips up-to-date builds). */
export function ensureFrontendBuilt(): void {
  const r = spawnSync("node", [join(REPO_ROOT, "scripts", "build-frontend.mjs")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build:frontend failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Runs in a private mount namespace, so nothing here is visible outside the frontend's process:
 * the app is bind-mounted (read-only) at an empty standard folder, as the image has it at /app —
 * wherever the checkout is, even under /tmp, which then gets a fresh tmpfs — the root is remounted
 * read-only, and only /tmp and <app>/.next/cache are writable tmpfs, like the pod's emptyDirs.
 */
const READ_ONLY_SCRIPT = [
  "set -e",
  'app="$1"; at="$2"',
  "mount --make-rprivate /",
  'mount --bind "$app" "$at"',
  "mount -t tmpfs -o size=64m tmpfs /tmp",
  "mount -o remount,bind,ro /",
  'mount -o remount,bind,ro "$at"',
  'mount -t tmpfs -o size=64m tmpfs "$at/.next/cache"',
  'cd "$at"',
  'exec node "$at/server.js"',
].join("\n");

/** An empty standard folder to mount the app on inside the namespace. */
function appMountPoint(): string {
  const at = ["/srv", "/media"].find((d) => existsSync(d) && readdirSync(d).length === 0);
  if (!at) throw new Error("startFaasStack: needs an empty /srv or /media to mount the app on read-only (or pass readOnlyRoot: false)");
  return at;
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the frontend exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${url}${API_PATHS.health}`);
      last = await r.text();
      if (r.ok && (JSON.parse(last) as { nats: { connected: boolean } }).nats.connected) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the frontend was not healthy with NATS connected within ${ms} ms (last: ${last}):\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      r();
    });
    child.kill("SIGTERM");
  });
}

export async function startFaasStack(options: FaasStackOptions = {}): Promise<FaasStack> {
  const dir = options.frontendDir ?? FRONTEND_BUILD;
  if (!existsSync(join(dir, "server.js"))) throw new Error(`${dir}/server.js is missing: run npm run build:frontend first`);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const conf = chartNats();
    const nats = await startNatsServer(conf.text, conf.env);
    stops.push(() => nats.stop());

    const middleware = await (options.middleware ?? middlewareProcess())({ url: nats.url, user: "middleware", password: conf.passwords.middleware! });
    stops.push(() => middleware.stop());

    const port = await freePort();
    const frontendUser = conf.frontendEnv[NATS_ENV.user]!;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      [NATS_ENV.url]: nats.url,
      ...conf.frontendEnv,
      [NATS_ENV.password]: conf.passwords[frontendUser]!,
    };
    // The chart mounts emptyDirs at /tmp and /app/.next/cache; everything else is read-only.
    mkdirSync(join(dir, ".next", "cache"), { recursive: true });
    const readOnly = options.readOnlyRoot ?? true;
    const child = readOnly
      ? spawn("unshare", ["--mount", "sh", "-c", READ_ONLY_SCRIPT, "sh", dir, appMountPoint()], { env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn("node", [join(dir, "server.js")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    stops.push(() => stopChild(child));
    const frontendUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(frontendUrl, child, () => log);

    const proxy = await startOauth2ProxyStandIn({ upstream: frontendUrl, users: options.users ?? [] });
    stops.push(() => proxy.close());
    return { url: proxy.url, frontendUrl, nats, proxy, middleware, frontendPid: child.pid!, frontendLog: () => log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
