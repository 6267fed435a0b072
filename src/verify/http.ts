/** The real HTTP client of `verify`: Node's http/https, one connection per request, no redirects followed. */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { HttpClient, HttpResponse } from "./types";

export const nodeHttp: HttpClient = (req) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(req.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const body = req.body === undefined ? undefined : Buffer.from(req.body, "utf8");
    const r = send(
      url,
      { method: req.method, agent: false, headers: { ...(req.headers ?? {}), ...(body ? { "content-length": String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > 64 * 1024 * 1024) res.destroy(new Error("answer larger than 64 MiB"));
          else chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    r.setTimeout(req.timeoutMs ?? 10_000, () => r.destroy(new Error(`no answer within ${Math.round((req.timeoutMs ?? 10_000) / 1000)}s`)));
    r.on("error", (e: NodeJS.ErrnoException) => reject(new Error(`${req.method} ${url.origin}${url.pathname}: ${e.code ?? e.message}`)));
    r.end(body);
  });

/** A header's first value, lower-cased name. */
export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** `name=value` pairs of every Set-Cookie, for a Cookie header. */
export function cookiesFrom(res: HttpResponse): string[] {
  const set = res.headers["set-cookie"];
  const list = Array.isArray(set) ? set : set ? [set] : [];
  return list.map((c) => c.split(";")[0]!.trim()).filter((c) => c.includes("=") && !c.endsWith("="));
}
