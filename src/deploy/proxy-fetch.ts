/**
 * Downloads through an HTTP proxy with Node built-ins only. Node 20's `fetch` ignores
 * HTTPS_PROXY/HTTP_PROXY, so behind a corporate proxy the upstream downloads would fail; this
 * honours them (and NO_PROXY): https targets through a CONNECT tunnel, http targets by absolute URI.
 * Errors name the proxy by host and port only, never its credentials.
 */
import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";

const TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 5;

/** The proxy to use for `url` from the environment, or undefined to go direct. */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const target = new URL(url);
  const raw = target.protocol === "https:" ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!raw) return undefined;
  const host = target.hostname.toLowerCase();
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase().replace(/:\d+$/, ""))
    .filter(Boolean);
  if (noProxy.some((n) => n === "*" || host === n.replace(/^\./, "") || host.endsWith(n.startsWith(".") ? n : `.${n}`))) return undefined;
  const proxy = new URL(raw.includes("://") ? raw : `http://${raw}`);
  if (proxy.protocol !== "http:") throw new Error(`the proxy URL must start with http:// (got ${proxy.protocol}//${proxy.host})`);
  return proxy;
}

/** GET `url` through `proxy`, following redirects; resolves with the body of a 200 answer. */
export async function fetchViaProxy(url: string, proxy: URL): Promise<Uint8Array> {
  const res = await openViaProxy(url, proxy);
  const where = `proxy ${proxy.hostname}:${Number(proxy.port || 80)}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    res.on("error", (err: NodeJS.ErrnoException) => reject(new Error(`fetch failed through ${where} (${err.code ? `${err.code}: ` : ""}${err.message})`)));
  });
}

/**
 * GET `url` through `proxy`, following redirects; resolves with the 200 response itself, so large
 * files can be streamed to disk (the caller reads and checks its length and content).
 */
export function openViaProxy(url: string, proxy: URL, redirects = MAX_REDIRECTS): Promise<IncomingMessage> {
  const target = new URL(url);
  const proxyPort = Number(proxy.port || 80);
  const where = `proxy ${proxy.hostname}:${proxyPort}`;
  const auth: Record<string, string> = proxy.username
    ? { "Proxy-Authorization": `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}` }
    : {};
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(new Error(`fetch failed through ${where} (${err.code ? `${err.code}: ` : ""}${err.message})`));
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects <= 0) return reject(new Error(`too many redirects from ${url}`));
        return void openViaProxy(new URL(res.headers.location, url).href, proxy, redirects - 1).then(resolve, reject);
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${status} ${res.statusMessage ?? ""}`.trim() + ` (through ${where})`));
      }
      resolve(res);
    };
    const timeout = (req: ReturnType<typeof httpRequest>) =>
      req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000}s`), { code: "ETIMEDOUT" })));

    if (target.protocol === "http:") {
      const req = httpRequest(
        { host: proxy.hostname, port: proxyPort, path: target.href, headers: { Host: target.host, ...auth }, timeout: TIMEOUT_MS },
        onResponse,
      );
      timeout(req).on("error", fail).end();
      return;
    }
    const port = Number(target.port || 443);
    const connect = httpRequest({
      host: proxy.hostname,
      port: proxyPort,
      method: "CONNECT",
      path: `${target.hostname}:${port}`,
      headers: { Host: `${target.hostname}:${port}`, ...auth },
      timeout: TIMEOUT_MS,
    });
    connect.on("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return reject(new Error(`${where} refused the tunnel to ${target.hostname}:${port}: HTTP ${res.statusCode} ${res.statusMessage ?? ""}`.trim()));
      }
      const req = httpsRequest(url, { createConnection: () => tlsConnect({ socket, servername: target.hostname }), timeout: TIMEOUT_MS }, onResponse);
      timeout(req).on("error", fail).end();
    });
    timeout(connect).on("error", fail).end();
  });
}
