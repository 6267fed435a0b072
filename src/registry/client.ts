/**
 * A client for the OCI distribution API (registry v2): what pushing and pulling an image needs and
 * nothing more. Blobs are uploaded monolithically up to `chunkSize` and in chunks above it; every
 * digest the registry reports back is cross-checked against the one computed here.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { Authorizer, type Credentials } from "./auth";
import { discard, type HttpRequest, type HttpResponse, nodeTransport, readBody, type Transport } from "./http";
import { MANIFEST_TYPES, sha256Digest } from "./oci";

export interface RegistryClientOptions {
  /** `http://host:port` or `https://host` of the registry API. */
  readonly baseUrl: string;
  /** @default anonymous */
  readonly credentials?: Credentials;
  /** @default Node's http/https */
  readonly transport?: Transport;
  /** Blobs larger than this are uploaded in chunks of this size. @default 16 MiB */
  readonly chunkSize?: number;
  /** Called for every request sent (method and path), e.g. to count them. @default none */
  readonly onRequest?: (method: string, path: string) => void;
}

class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Send {
  readonly method: HttpRequest["method"];
  /** Path (with query) or absolute URL (upload locations). */
  readonly target: string;
  readonly repository: string;
  readonly actions: "pull" | "pull,push";
  readonly headers?: Record<string, string>;
  /** Re-creatable body: a 401 is answered by sending it again with credentials. */
  readonly body?: () => Uint8Array | Readable;
}

const ACCEPT = MANIFEST_TYPES.join(", ");

/** Message of a registry error body (`{"errors":[{"code","message"}]}`), never longer than a line. */
function errorText(status: number, body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: { code?: string; message?: string }[] };
    const e = parsed.errors?.[0];
    if (e) return `HTTP ${status} ${e.code ?? ""}: ${e.message ?? ""}`.trim();
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}

export class RegistryClient {
  readonly base: URL;
  private readonly transport: Transport;
  private readonly auth: Authorizer;
  readonly chunkSize: number;

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = new URL(opts.baseUrl);
    if (this.base.protocol !== "http:" && this.base.protocol !== "https:") throw new Error(`registry URL ${opts.baseUrl} must be http:// or https://`);
    this.transport = opts.transport ?? nodeTransport;
    this.auth = new Authorizer(this.transport, opts.credentials);
    this.chunkSize = opts.chunkSize ?? 16 * 1024 * 1024;
  }

  private async send(s: Send): Promise<HttpResponse> {
    const url = new URL(s.target, this.base);
    if (url.origin !== this.base.origin)
      throw new RegistryError(`the registry redirected an upload to another origin (${url.origin}); refusing to send credentials there`);
    const scope = `repository:${s.repository}:${s.actions}`;
    for (let attempt = 1; ; attempt++) {
      const authorization = await this.auth.header(scope);
      this.opts.onRequest?.(s.method, `${url.pathname}${url.search}`);
      const res = await this.transport({
        method: s.method,
        url,
        headers: { ...(s.headers ?? {}), ...(authorization ? { authorization } : {}) },
        body: s.body?.(),
      });
      if (res.status !== 401 || attempt === 2) {
        if (res.status === 401) {
          await discard(res);
          throw new RegistryError(`${s.method} ${url.pathname}: the registry refused the credentials (HTTP 401)`, 401);
        }
        return res;
      }
      await discard(res);
      this.auth.forget(scope);
      if (!this.auth.learn(res.headers["www-authenticate"] as string | undefined))
        throw new RegistryError(`${s.method} ${url.pathname}: HTTP 401 with no usable WWW-Authenticate challenge`, 401);
    }
  }

  private async fail(what: string, res: HttpResponse): Promise<never> {
    const body = res.status === 0 || res.stream.readableEnded ? Buffer.alloc(0) : await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
    throw new RegistryError(`${what}: ${errorText(res.status, body)}`, res.status);
  }

  /** GET /v2/: checks the API answers (and learns how to authenticate). */
  async ping(): Promise<void> {
    this.opts.onRequest?.("GET", "/v2/");
    const res = await this.transport({ method: "GET", url: new URL("/v2/", this.base) });
    await discard(res);
    if (res.status === 401) this.auth.learn(res.headers["www-authenticate"] as string | undefined);
    else if (res.status !== 200) throw new RegistryError(`${this.base.origin}/v2/ answered HTTP ${res.status}: not an OCI distribution registry`, res.status);
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const res = await this.send({ method: "HEAD", target: `/v2/${repository}/blobs/${digest}`, repository, actions: "pull,push" });
    await discard(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.fail(`HEAD blob ${digest} in ${repository}`, res);
  }

  /**
   * Uploads a blob; `open(start, end)` gives its bytes in [start, end). The bytes are hashed while
   * they are sent, so a corrupt archive fails here even if the registry did not check.
   */
  async uploadBlob(repository: string, digest: string, size: number, open: (start: number, end: number) => Readable): Promise<void> {
    const start = await this.send({
      method: "POST",
      target: `/v2/${repository}/blobs/uploads/`,
      repository,
      actions: "pull,push",
      headers: { "content-length": "0" },
    });
    if (start.status !== 202) return this.fail(`starting the upload of ${digest} to ${repository}`, start);
    await discard(start);
    let location = start.headers.location;
    if (!location) throw new RegistryError(`starting the upload of ${digest} to ${repository}: no Location header`);
    const hash = createHash("sha256");
    const hashed = (s: Readable) => s.pipe(new Transform({ transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), cb(null, chunk)) }));
    let finalBody: (() => Readable) | undefined;
    if (size <= this.chunkSize) {
      // Monolithic: the whole blob in the closing PUT.
      finalBody = () => hashed(open(0, size));
    } else {
      for (let offset = 0; offset < size; offset += this.chunkSize) {
        const end = Math.min(size, offset + this.chunkSize);
        const res = await this.send({
          method: "PATCH",
          target: location,
          repository,
          actions: "pull,push",
          headers: { "content-type": "application/octet-stream", "content-length": String(end - offset), "content-range": `${offset}-${end - 1}` },
          body: () => hashed(open(offset, end)),
        });
        if (res.status !== 202) return this.fail(`uploading bytes ${offset}-${end - 1} of ${digest} to ${repository}`, res);
        await discard(res);
        location = res.headers.location ?? location;
      }
    }
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const done = await this.send({
      method: "PUT",
      target: url.toString(),
      repository,
      actions: "pull,push",
      headers: { "content-type": "application/octet-stream", "content-length": String(finalBody ? size : 0) },
      ...(finalBody ? { body: finalBody } : {}),
    });
    // Our own hash first: a corrupt archive is the cause, whatever the registry answered.
    const sent = `sha256:${hash.digest("hex")}`;
    if (sent !== digest) {
      await discard(done);
      throw new RegistryError(`the bytes sent for ${digest} hash to ${sent}: the archive is corrupt`);
    }
    if (done.status !== 201) return this.fail(`finishing the upload of ${digest} to ${repository}`, done);
    await discard(done);
    const reported = done.headers["docker-content-digest"];
    if (reported && reported !== digest) throw new RegistryError(`the registry stored ${digest} as ${String(reported)}`);
  }

  /** The digest `reference` (a tag or digest) resolves to, or undefined when it does not exist. */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    const res = await this.send({
      method: "HEAD",
      target: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: "pull",
      headers: { accept: ACCEPT },
    });
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) return this.fail(`HEAD manifest ${repository}:${reference}`, res);
    const digest = res.headers["docker-content-digest"];
    return typeof digest === "string" ? digest : undefined;
  }

  async putManifest(repository: string, reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    const res = await this.send({
      method: "PUT",
      target: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: "pull,push",
      headers: { "content-type": mediaType, "content-length": String(bytes.length) },
      body: () => bytes,
    });
    if (res.status !== 201) return this.fail(`PUT manifest ${repository}:${reference}`, res);
    await discard(res);
    const reported = res.headers["docker-content-digest"];
    if (reported && reported !== digest) throw new RegistryError(`the registry stored manifest ${digest} as ${String(reported)}`);
    return digest;
  }

  /** A manifest by tag or digest; when `reference` is a digest the bytes are checked against it. */
  async getManifest(repository: string, reference: string): Promise<{ mediaType: string; bytes: Buffer; digest: string }> {
    const res = await this.send({
      method: "GET",
      target: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: "pull",
      headers: { accept: ACCEPT },
    });
    if (res.status !== 200) return this.fail(`GET manifest ${repository}:${reference}`, res);
    const bytes = await readBody(res);
    const digest = sha256Digest(bytes);
    if (reference.startsWith("sha256:") && digest !== reference) throw new RegistryError(`manifest ${reference} from the registry hashes to ${digest}`);
    const mediaType = String(res.headers["content-type"] ?? "")
      .split(";")[0]!
      .trim();
    return { mediaType, bytes, digest };
  }

  /** A blob's bytes, checked against its digest. */
  async getBlob(repository: string, digest: string, limit = 4 * 1024 * 1024 * 1024): Promise<Buffer> {
    const res = await this.send({ method: "GET", target: `/v2/${repository}/blobs/${digest}`, repository, actions: "pull" });
    // The registry may redirect to storage; follow one hop on the same origin only.
    if (res.status === 307 || res.status === 302) {
      await discard(res);
      throw new RegistryError(`GET blob ${digest}: redirected to ${String(res.headers.location ?? "?")}; redirects to storage are not followed`);
    }
    if (res.status !== 200) return this.fail(`GET blob ${digest} from ${repository}`, res);
    const bytes = await readBody(res, limit);
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw new RegistryError(`blob ${digest} from the registry hashes to ${actual}`);
    return bytes;
  }
}
