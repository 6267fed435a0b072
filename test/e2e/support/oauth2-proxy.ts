/**
 * A stand-in for oauth2-proxy (which cannot be installed here), faithful in what the frontend's
 * security rests on:
 * - it is the only way in: without a session every request is redirected to /oauth2/sign_in;
 * - /oauth2/sign_in is a small page to pick a test user; the callback sets a signed, HttpOnly
 *   session cookie (HMAC-SHA256, with an expiry) and redirects back to a local path only;
 * - /ping and /ready answer for probes;
 * - every X-Forwarded-* header (and Forwarded, X-Real-Ip, X-Auth-Request-*) a client sends is
 *   dropped, and X-Forwarded-Email / X-Forwarded-User are set from the session;
 * - the Host header is passed unchanged, as oauth2-proxy does by default (Next.js server actions
 *   refuse a request whose Origin does not match the host);
 * - everything else, downloads included, is streamed to the upstream without buffering.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";

export const SESSION_COOKIE = "_oauth2_proxy";

export interface Oauth2ProxyStandInOptions {
  /** The frontend, e.g. `http://127.0.0.1:3000` (what oauth2-proxy's --upstream names). */
  readonly upstream: string;
  /** Emails offered as one-click buttons on the sign-in page. @default none (type any address) */
  readonly users?: readonly string[];
  /** When set, only these addresses may sign in (like --authenticated-emails-file). @default anyone */
  readonly allowedEmails?: readonly string[];
  /** Signs the session cookie. @default 32 random bytes */
  readonly cookieSecret?: Buffer;
  /** @default 3600 */
  readonly sessionSeconds?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

export interface Oauth2ProxyStandIn {
  /** Where browsers and tests connect, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** A valid session cookie (`name=value`) for `email`, for tests that do not drive a browser. */
  sessionCookie(email: string): string;
  close(): Promise<void>;
}

interface Session {
  readonly email: string;
  readonly user: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

const EMAIL = /^[^\s@,;<>"'()\\[\]]{1,64}@[A-Za-z0-9.-]{1,189}$/;

/** Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Identity and forwarding headers a client must never be able to set. */
function isClientForbiddenHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith("x-forwarded-") || n.startsWith("x-auth-request-") || n === "forwarded" || n === "x-real-ip";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A local path to return to after sign-in; anything else (other hosts, `//x`, `/\x`) becomes `/`. */
function safeRedirect(rd: string | null | undefined): string {
  if (!rd || !rd.startsWith("/") || rd.startsWith("//") || rd.startsWith("/\\") || /[\r\n\t]/.test(rd)) return "/";
  return rd;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

function signInPage(rd: string, users: readonly string[], message?: string): string {
  const buttons = users.map((u) => `<li><button type="submit" name="email" value="${escapeHtml(u)}">Sign in as ${escapeHtml(u)}</button></li>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><main>
<h1>Sign in</h1><p>Test stand-in for oauth2-proxy: pick a test user or type an address.</p>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/oauth2/callback"><input type="hidden" name="rd" value="${escapeHtml(rd)}">
${buttons ? `<ul>${buttons}</ul>` : ""}
<label>Email <input name="email" type="email" autocomplete="off"></label> <button type="submit">Sign in</button></form>
</main></body></html>`;
}

export function startOauth2ProxyStandIn(options: Oauth2ProxyStandInOptions): Promise<Oauth2ProxyStandIn> {
  const upstream = new URL(options.upstream);
  const secret = options.cookieSecret ?? randomBytes(32);
  const sessionSeconds = options.sessionSeconds ?? 3600;
  const users = options.users ?? [];

  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  const encode = (s: Session) => {
    const payload = Buffer.from(JSON.stringify(s)).toString("base64url");
    return `${payload}.${sign(payload)}`;
  };
  const decode = (value: string | undefined): Session | undefined => {
    if (!value) return undefined;
    const [payload, sig, ...rest] = value.split(".");
    if (!payload || !sig || rest.length > 0) return undefined;
    const want = Buffer.from(sign(payload));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    try {
      const s = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Session;
      return typeof s.email === "string" && typeof s.user === "string" && typeof s.exp === "number" && s.exp > Date.now() / 1000 ? s : undefined;
    } catch {
      return undefined;
    }
  };
  const newSession = (email: string): Session => ({ email, user: email.split("@")[0]!, exp: Math.floor(Date.now() / 1000) + sessionSeconds });

  const send = (res: ServerResponse, status: number, body: string, headers: OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
    res.end(body);
  };

  async function callback(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") return send(res, 405, "use the sign-in form\n", { allow: "POST" });
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readBody(req, 8192));
    } catch {
      return send(res, 413, "request body too large\n");
    }
    const email = (form.get("email") ?? "").trim().toLowerCase();
    const rd = safeRedirect(form.get("rd"));
    const refuse = (message: string) => send(res, 403, signInPage(rd, users, message), { "content-type": "text/html; charset=utf-8" });
    if (!EMAIL.test(email)) return refuse("That is not an email address.");
    if (options.allowedEmails && !options.allowedEmails.map((e) => e.toLowerCase()).includes(email)) return refuse("That address may not sign in.");
    send(res, 302, "", {
      location: rd,
      "set-cookie": `${SESSION_COOKIE}=${encode(newSession(email))}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${sessionSeconds}`,
    });
  }

  function forward(req: IncomingMessage, res: ServerResponse, session: Session) {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || isClientForbiddenHeader(name)) continue;
      headers[name] = value;
    }
    // The session cookie stays here; other cookies pass.
    const others = [...cookies(req.headers.cookie)].filter(([k]) => k !== SESSION_COOKIE).map(([k, v]) => `${k}=${v}`);
    if (others.length > 0) headers.cookie = others.join("; ");
    else delete headers.cookie;
    headers["x-forwarded-email"] = session.email;
    headers["x-forwarded-user"] = session.user;
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    // `host` is kept exactly as the client sent it.
    const upstreamReq = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(upstreamRes.statusCode ?? 502, out);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on("error", (e) => {
      if (!res.headersSent) send(res, 502, `upstream unreachable: ${e.message}\n`);
      else res.destroy();
    });
    res.on("close", () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (url.pathname === "/ping" || url.pathname === "/ready") return send(res, 200, "OK");
    if (url.pathname === "/oauth2/sign_in")
      return send(res, 200, signInPage(safeRedirect(url.searchParams.get("rd")), users), { "content-type": "text/html; charset=utf-8" });
    if (url.pathname === "/oauth2/callback") return void callback(req, res);
    if (url.pathname === "/oauth2/sign_out")
      return send(res, 302, "", { location: "/oauth2/sign_in", "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
    if (url.pathname.startsWith("/oauth2/")) return send(res, 404, "not found\n");
    const session = decode(cookies(req.headers.cookie).get(SESSION_COOKIE));
    if (!session) {
      req.resume();
      return send(res, 302, "", { location: `/oauth2/sign_in?rd=${encodeURIComponent(req.url ?? "/")}` });
    }
    forward(req, res, session);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://${options.host ?? "127.0.0.1"}:${port}`,
        port,
        sessionCookie: (email) => `${SESSION_COOKIE}=${encode(newSession(email.trim().toLowerCase()))}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
