/**
 * One HTTP(S) request with Node's built-ins: bounded in time, body from bytes or a stream, the
 * answer as bytes (documents) or a stream (blobs). Every request goes through `onRequest`, so
 * tests can count what a push sent.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

export interface HttpRequest {
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body: bytes, or a stream with its length given in `headers['content-length']`. */
  readonly body?: Uint8Array | Readable;
  /** Milliseconds without progress before the request is abandoned. @default 120000 */
  readonly idleTimeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, unread (call `readBody` or pipe it). */
  readonly stream: IncomingMessage;
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** Reads a response body (capped: registry documents and errors are small). */
export async function readBody(res: HttpResponse, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.stream.destroy();
      throw new Error(`${res.status} answer larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drains and discards a body so the connection can be reused. */
export async function discard(res: HttpResponse): Promise<void> {
  res.stream.resume();
  await new Promise<void>((resolve) => {
    if (res.stream.readableEnded) return resolve();
    res.stream.on("end", resolve);
    res.stream.on("error", () => resolve());
    res.stream.on("close", resolve);
  });
}

export const nodeTransport: Transport = (req) =>
  new Promise((resolve, reject) => {
    const send = req.url.protocol === "https:" ? httpsRequest : httpRequest;
    const r = send(req.url, { method: req.method, headers: req.headers ?? {} }, (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res }),
    );
    const idle = req.idleTimeoutMs ?? 120_000;
    r.setTimeout(idle, () => r.destroy(new Error(`no progress for ${Math.round(idle / 1000)}s`)));
    r.on("error", (err) =>
      reject(
        new Error(
          `${req.method} ${req.url.origin}${req.url.pathname}: ${(err as NodeJS.ErrnoException).code ?? ""} ${err.message}`.replace(/\s+/g, " ").trim(),
        ),
      ),
    );
    const body = req.body;
    if (body === undefined) r.end();
    else if (body instanceof Uint8Array) r.end(body);
    else {
      body.on("error", (err) => r.destroy(err));
      body.pipe(r);
    }
  });
