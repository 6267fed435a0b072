/** The real downloader: says WHY a download failed (fetch() itself only says "fetch failed"), and uses HTTPS_PROXY. */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer, type Socket } from "node:net";
import { describe, it } from "@jest/globals";
import { fetchViaProxy, proxyFor } from "../../src/deploy/proxy-fetch";
import { httpFetch } from "../../src/deploy/upstream-cache";

/** A local port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("httpFetch", () => {
  it("includes the underlying cause (ECONNREFUSED) in the error", async () => {
    const port = await closedPort();
    for (const k of ["HTTP_PROXY", "http_proxy"]) delete process.env[k]; // go direct, as on a machine without a proxy
    await assert.rejects(httpFetch(`http://127.0.0.1:${port}/metallb.yaml`), (e: unknown) => /fetch failed \(.*ECONNREFUSED/.test((e as Error).message));
  });
});

/** A local HTTP proxy that records request lines; CONNECT is refused with 403, plain GETs get `body`. */
async function recordingProxy(body: string): Promise<{ url: string; seen: string[]; auth: (string | undefined)[]; close: () => void }> {
  const seen: string[] = [];
  const auth: (string | undefined)[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    auth.push(req.headers["proxy-authorization"]);
    res.end(body);
  });
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    seen.push(`CONNECT ${req.url}`);
    auth.push(req.headers["proxy-authorization"]);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen, auth, close: () => server.close() };
}

describe("httpFetch behind a proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY)", () => {
  it("chooses the proxy per scheme and honours NO_PROXY", () => {
    const env = { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: "localhost,.internal.corp" };
    assert.equal(proxyFor("https://raw.githubusercontent.com/x", env)?.host, "proxy.corp:3128");
    assert.equal(proxyFor("http://raw.githubusercontent.com/x", env), undefined, "HTTPS_PROXY is for https only");
    assert.equal(proxyFor("https://mirror.internal.corp/x", env), undefined);
    assert.equal(proxyFor("https://x", { https_proxy: "proxy:8080" })?.href, "http://proxy:8080/");
    assert.equal(proxyFor("https://x", {}), undefined);
  });

  it("tunnels https downloads through the proxy with CONNECT, and reports the proxy's refusal without its password", async () => {
    const proxy = await recordingProxy("");
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTPS_PROXY = proxy.url.replace("http://", "http://user:s3cret@");
    delete process.env.NO_PROXY;
    try {
      await assert.rejects(httpFetch("https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml"), (e: unknown) => {
        assert.match((e as Error).message, /proxy 127\.0\.0\.1:\d+ refused the tunnel to raw\.githubusercontent\.com:443: HTTP 403/);
        assert.ok(!(e as Error).message.includes("s3cret"));
        return true;
      });
      assert.deepEqual(proxy.seen, ["CONNECT raw.githubusercontent.com:443"]);
      assert.equal(proxy.auth[0], `Basic ${Buffer.from("user:s3cret").toString("base64")}`);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      proxy.close();
    }
  });

  it("sends http downloads to the proxy by absolute URI and returns the body", async () => {
    const proxy = await recordingProxy("kind: List\n");
    const bytes = await fetchViaProxy("http://example.invalid/a.yaml", new URL(proxy.url));
    proxy.close();
    assert.equal(new TextDecoder().decode(bytes), "kind: List\n");
    assert.deepEqual(proxy.seen, ["GET http://example.invalid/a.yaml"]);
  });
});
