/**
 * The OCI distribution client against a real registry (Debian's docker-registry 2.8 on
 * 127.0.0.1): push an archive, push it again (only HEADs: nothing re-sent), chunked uploads,
 * pull back by digest byte for byte, a corrupt archive refused, and Basic and Bearer logins
 * whose secrets never show up in an error.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest, createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import { readFileSync, writeFileSync } from "node:fs";
import { RegistryClient } from "../../src/registry/client";
import { pullByDigest } from "../../src/registry/pull";
import { pushArchive } from "../../src/registry/push";
import { OciArchive } from "../../src/registry/oci-archive";
import { itIf, missingTools } from "../support/requires";
import { freePort, startRegistry, type TestRegistry } from "../support/registry";
import { type Fixture, ociArchive } from "../support/oci-fixture";

const skip = missingTools(["docker-registry", "tar"], "apt-get install docker-registry");

function counting(url: string, extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) {
  const requests: string[] = [];
  const client = new RegistryClient({ baseUrl: url, onRequest: (m, p) => requests.push(`${m} ${p}`), ...extra });
  return { client, requests };
}

describe("pushing to and pulling from docker-registry 2.8", () => {
  let registry: TestRegistry;
  let image: Fixture;
  let big: Fixture;
  beforeAll(async () => {
    if (skip) return;
    registry = await startRegistry();
    image = ociArchive({ layers: [{ "hello.txt": "hello\n" }, { "second.txt": "two\n" }] });
    big = ociArchive({ layers: [{ "hello.txt": "big\n" }], bigLayerBytes: 300 * 1024 });
  });
  afterAll(async () => registry?.stop());

  itIf(skip, "pushes every blob and the manifest, then a re-push sends nothing but HEADs", async () => {
    const first = counting(registry.url);
    const r1 = await pushArchive(first.client, image.path, "clusterkit/app", "v1");
    assert.equal(r1.digest, image.manifestDigest);
    assert.equal(r1.blobsUploaded, 3); // two layers + config
    assert.equal(r1.manifestsPut, 1);
    assert.ok(first.requests.some((r) => r.startsWith("PUT /v2/clusterkit/app/manifests/v1")));

    const again = counting(registry.url);
    const r2 = await pushArchive(again.client, image.path, "clusterkit/app", "v1");
    assert.deepEqual([r2.blobsUploaded, r2.manifestsPut, r2.bytesUploaded], [0, 0, 0]);
    const sent = again.requests.filter((r) => !r.startsWith("HEAD ") && r !== "GET /v2/");
    assert.deepEqual(sent, [], `a re-push sent ${sent.join(", ")}`);
  });

  itIf(skip, "a new tag of the same image uploads no blob and puts one manifest", async () => {
    const c = counting(registry.url);
    const r = await pushArchive(c.client, image.path, "clusterkit/app", "v2");
    assert.equal(r.blobsUploaded, 0);
    assert.equal(r.blobsSkipped, 3);
    assert.deepEqual(
      c.requests.filter((x) => /^(POST|PATCH|PUT)/.test(x)),
      ["PUT /v2/clusterkit/app/manifests/v2"],
    );
  });

  itIf(skip, "pulls back by digest: manifest and every blob byte for byte", async () => {
    const { client } = counting(registry.url);
    const pulled = await pullByDigest(client, "clusterkit/app", image.manifestDigest);
    assert.deepEqual(pulled.manifests.get(image.manifestDigest)?.bytes, image.manifest);
    assert.equal(pulled.blobs.size, image.blobs.size);
    for (const [digest, bytes] of image.blobs) assert.deepEqual(pulled.blobs.get(digest), bytes, digest);
  });

  itIf(skip, "uploads a blob larger than the chunk size in PATCH chunks and keeps its digest", async () => {
    const c = counting(registry.url, { chunkSize: 64 * 1024 });
    const r = await pushArchive(c.client, big.path, "clusterkit/big", "v1");
    const patches = c.requests.filter((x) => x.startsWith("PATCH "));
    const layer = [...big.blobs.values()].reduce((a, b) => (b.length > a.length ? b : a));
    assert.equal(patches.length, Math.ceil(layer.length / (64 * 1024)));
    const pulled = await pullByDigest(c.client, "clusterkit/big", r.digest);
    for (const [digest, bytes] of big.blobs) assert.deepEqual(pulled.blobs.get(digest), bytes);
  });

  itIf(skip, "refuses an archive whose blob does not match its digest, and the tag is not created", async () => {
    const bad = ociArchive({ layers: [{ "x.txt": "original\n" }] });
    // Flip one byte inside the layer blob (same size, so only the hash can tell).
    const tar = readFileSync(bad.path);
    const layer = [...bad.blobs.values()].find((b) => b[0] === 0x1f && b[1] === 0x8b)!;
    const at = tar.indexOf(layer);
    assert.ok(at > 0);
    tar[at + layer.length - 5] ^= 0xff;
    writeFileSync(bad.path, tar);
    const { client } = counting(registry.url);
    await expect(pushArchive(client, bad.path, "clusterkit/bad", "v1")).rejects.toThrow(/DIGEST_INVALID|corrupt|hashes to/);
    assert.equal(await client.manifestDigest("clusterkit/bad", "v1"), undefined);
  });

  itIf(skip, "reads the archive's layout: roots, manifests checked against their digests", () => {
    const a = OciArchive.open(image.path);
    assert.equal(a.roots.length, 1);
    assert.equal(a.roots[0]!.digest, image.manifestDigest);
    assert.equal(a.pushOrder(a.roots[0]!)[0]!.bytes.equals(image.manifest), true);
  });
});

describe("registry logins", () => {
  const user = { name: "pusher", password: `pw-${randomBytes(12).toString("hex")}` };
  let basic: TestRegistry;
  let plain: TestRegistry;
  let tokenProxy: Server;
  let proxyUrl = "";
  let image: Fixture;
  const tokenRequests: string[] = [];
  beforeAll(async () => {
    if (skip) return;
    image = ociArchive({ layers: [{ "hello.txt": "auth\n" }] });
    basic = await startRegistry({ user });
    plain = await startRegistry();
    // A Bearer front like Alibaba ACR's: 401 + challenge, a token service that checks Basic
    // credentials, and only then the (real) registry behind it.
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    const token = randomBytes(16).toString("hex");
    const target = new URL(plain.url);
    tokenProxy = createServer((req, res) => {
      const url = new URL(req.url ?? "/", proxyUrl);
      if (url.pathname === "/token") {
        tokenRequests.push(url.searchParams.get("scope") ?? "");
        const ok = req.headers.authorization === `Basic ${Buffer.from(`${user.name}:${user.password}`).toString("base64")}`;
        res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        res.end(ok ? JSON.stringify({ token }) : "{}");
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { "www-authenticate": `Bearer realm="${proxyUrl}/token",service="test-registry",scope="repository:x:pull"` });
        res.end();
        return;
      }
      const headers = { ...req.headers };
      delete headers.authorization;
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => tokenProxy.listen(port, "127.0.0.1", r));
  });
  afterAll(async () => {
    await basic?.stop();
    await plain?.stop();
    await new Promise<void>((r) => (tokenProxy ? tokenProxy.close(() => r()) : r()));
  });

  itIf(skip, "Basic: refused without credentials (naming the variables), accepted with them", async () => {
    const anon = new RegistryClient({ baseUrl: basic.url });
    await expect(pushArchive(anon, image.path, "clusterkit/app", "v1")).rejects.toThrow(/CLUSTERKIT_REGISTRY_USERNAME/);
    const wrong = new RegistryClient({ baseUrl: basic.url, credentials: { username: user.name, password: "not-the-password-123" } });
    const err = await pushArchive(wrong, image.path, "clusterkit/app", "v1").then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, "a wrong password must fail");
    assert.ok(!err.message.includes("not-the-password-123"));
    const good = new RegistryClient({ baseUrl: basic.url, credentials: { username: user.name, password: user.password } });
    const r = await pushArchive(good, image.path, "clusterkit/app", "v1");
    assert.equal(r.digest, image.manifestDigest);
  });

  itIf(skip, "Bearer: trades the login for a token per repository scope, then pushes and pulls", async () => {
    const anon = new RegistryClient({ baseUrl: proxyUrl });
    await expect(pushArchive(anon, image.path, "clusterkit/app", "v1")).rejects.toThrow(/needs a login/);
    const c = new RegistryClient({ baseUrl: proxyUrl, credentials: { username: user.name, password: user.password } });
    const r = await pushArchive(c, image.path, "clusterkit/app", "v1");
    assert.equal(r.digest, image.manifestDigest);
    assert.ok(tokenRequests.includes("repository:clusterkit/app:pull"));
    assert.ok(tokenRequests.includes("repository:clusterkit/app:pull,push"));
    const pulled = await pullByDigest(c, "clusterkit/app", r.digest);
    assert.equal(pulled.blobs.size, image.blobs.size);
    const bad = new RegistryClient({ baseUrl: proxyUrl, credentials: { username: user.name, password: "wrong-secret-456" } });
    const err = await pushArchive(bad, image.path, "clusterkit/app", "v1").then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(err?.message ?? "", /refused the login/);
    assert.ok(!err!.message.includes("wrong-secret-456"));
  });
});
