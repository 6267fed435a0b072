/**
 * The oauth2-proxy stand-in the browser tests sign in through: it must be the only way in, set
 * identity only from its own signed session, drop every identity or forwarding header a client
 * sends, keep the Host header, and stream responses through.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { SESSION_COOKIE, startOauth2ProxyStandIn, type Oauth2ProxyStandIn } from "../e2e/support/oauth2-proxy";

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request (fetch would not let a test set Host or keep redirects unfollowed everywhere). */
function send(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: u.hostname, port: u.port, path, method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("oauth2-proxy stand-in", () => {
  let upstream: Server;
  let proxy: Oauth2ProxyStandIn;
  const BIG = 3 * 1024 * 1024;

  beforeAll(async () => {
    // Echoes what reached it, or streams a large body in pieces.
    upstream = createServer((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "application/zip", "content-length": String(BIG) });
        let left = BIG;
        const push = () => {
          while (left > 0) {
            const n = Math.min(left, 64 * 1024);
            left -= n;
            if (!res.write(Buffer.alloc(n, 0x5a))) return void res.once("drain", push);
          }
          res.end();
        };
        return push();
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "set-cookie": "app=1; Path=/" });
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    proxy = await startOauth2ProxyStandIn({
      upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`,
      users: ["alice@example.com", "bob@example.com"],
    });
  });

  afterAll(async () => {
    await proxy?.close();
    upstream?.closeAllConnections();
    await new Promise((r) => upstream?.close(r));
  });

  it("answers /ping and /ready without a session", async () => {
    for (const p of ["/ping", "/ready"]) {
      const r = await send(proxy.url, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body.toString(), "OK");
    }
  });

  it("redirects every request without a valid session to the sign-in page, even with forged identity headers", async () => {
    const forged = { "x-forwarded-email": "alice@example.com", "x-forwarded-user": "alice", cookie: `${SESSION_COOKIE}=forged.value` };
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/job/01jgfjk0ygsj8br63jdpq0q19s"],
      ["POST", "/"],
      ["GET", "/api/health"],
    ] as const) {
      const r = await send(proxy.url, path, { method, headers: forged });
      assert.equal(r.status, 302, `${method} ${path}`);
      assert.equal(r.headers.location, `/oauth2/sign_in?rd=${encodeURIComponent(path)}`);
    }
    // A session signed with another secret, or tampered with, is no session.
    const other = await startOauth2ProxyStandIn({ upstream: "http://127.0.0.1:9" });
    const foreign = other.sessionCookie("alice@example.com");
    await other.close();
    assert.equal((await send(proxy.url, "/", { headers: { cookie: foreign } })).status, 302);
    const mine = proxy.sessionCookie("bob@example.com");
    const [payload, sig] = mine.slice(SESSION_COOKIE.length + 1).split(".");
    const alicePayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), email: "alice@example.com" })).toString(
      "base64url",
    );
    assert.equal(
      (await send(proxy.url, "/", { headers: { cookie: `${SESSION_COOKIE}=${alicePayload}.${sig}` } })).status,
      302,
      "payload swapped under bob's signature",
    );
  });

  it("signs in through the callback with a signed HttpOnly cookie and returns only to local paths", async () => {
    const page = await send(proxy.url, "/oauth2/sign_in?rd=%2Fjob%2Fx");
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /Sign in as alice@example\.com/);
    const ok = await send(proxy.url, "/oauth2/callback", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=Alice%40Example.com&rd=%2Fjob%2Fx",
    });
    assert.equal(ok.status, 302);
    assert.equal(ok.headers.location, "/job/x");
    const cookie = String(ok.headers["set-cookie"]);
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=[^;]+; Path=/; HttpOnly; SameSite=Lax`));
    const echoed = JSON.parse((await send(proxy.url, "/", { headers: { cookie: cookie.split(";")[0]! } })).body.toString());
    assert.equal(echoed.headers["x-forwarded-email"], "alice@example.com");
    for (const rd of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const r = await send(proxy.url, "/oauth2/callback", { method: "POST", body: `email=alice%40example.com&rd=${encodeURIComponent(rd)}` });
      assert.equal(r.headers.location, "/", rd);
    }
    assert.equal((await send(proxy.url, "/oauth2/callback", { method: "POST", body: "email=not-an-address" })).status, 403);
    assert.equal((await send(proxy.url, "/oauth2/callback")).status, 405);
  });

  it("drops every identity and forwarding header the client sends and sets them from the session", async () => {
    const r = await send(proxy.url, "/some/page?q=1", {
      method: "POST",
      headers: {
        cookie: `${proxy.sessionCookie("bob@example.com")}; theme=dark`,
        "x-forwarded-email": "alice@example.com",
        "X-Forwarded-User": "alice",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "https",
        forwarded: "for=1.2.3.4;host=evil.example",
        "x-real-ip": "1.2.3.4",
        "x-auth-request-email": "alice@example.com",
        "content-type": "text/plain",
      },
      body: "payload",
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body.toString());
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/some/page?q=1");
    assert.equal(seen.body, "payload");
    assert.equal(seen.headers["x-forwarded-email"], "bob@example.com");
    assert.equal(seen.headers["x-forwarded-user"], "bob");
    for (const h of ["x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip", "x-auth-request-email"]) assert.equal(seen.headers[h], undefined, h);
    assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(seen.headers.cookie, "theme=dark", "the session cookie stays at the proxy, other cookies pass");
    assert.equal(r.headers["set-cookie"]?.[0], "app=1; Path=/");
  });

  it("keeps the Host header the client sent (server actions compare it with Origin)", async () => {
    const r = await send(proxy.url, "/", { headers: { cookie: proxy.sessionCookie("bob@example.com"), host: "code.example.test:8087" } });
    assert.equal(JSON.parse(r.body.toString()).headers.host, "code.example.test:8087");
  });

  it("streams large downloads through with their headers", async () => {
    const r = await send(proxy.url, "/big", { headers: { cookie: proxy.sessionCookie("bob@example.com") } });
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/zip");
    assert.equal(r.headers["content-length"], String(BIG));
    assert.equal(r.body.length, BIG);
    assert.ok(r.body.every((b) => b === 0x5a));
  });

  it("signs out by clearing the cookie", async () => {
    const r = await send(proxy.url, "/oauth2/sign_out");
    assert.equal(r.status, 302);
    assert.match(String(r.headers["set-cookie"]), new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
  });
});
