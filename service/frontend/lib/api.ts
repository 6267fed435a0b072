/**
 * Pieces of the JSON API (service/contract/http.ts) the route handlers share: JSON answers that
 * are never cached, the content-type rule, and reading a bounded JSON body.
 */
import { MAX_SUBMISSION_BODY_BYTES, type ApiError, type ApiProblems } from "../../contract/http";

/** A JSON answer for this user only: never stored by a cache on the way. */
export function apiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "private, no-store", ...headers } });
}

export const apiError = (status: number, error: string): Response => apiJson(status, { error } satisfies ApiError);
export const apiProblems = (problems: readonly string[]): Response => apiJson(400, { problems } satisfies ApiProblems);

/** `application/json`, with or without parameters (`; charset=utf-8`); nothing else. */
export function isJsonContentType(value: string | null): boolean {
  return (value ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: Response };

const tooLarge = (limit: number) => apiError(413, `The request body is over ${limit} bytes; a submission is at most ${limit / 1024} KiB of JSON.`);

/**
 * The request's body as JSON, reading at most `limit` bytes (a declared or actual larger body is
 * 413; malformed UTF-8 or JSON is 400 with the rule it broke).
 */
export async function readJsonBody(request: Request, limit: number = MAX_SUBMISSION_BODY_BYTES): Promise<JsonBody> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) return { ok: false, response: tooLarge(limit) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, response: tooLarge(limit) };
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const notJson = { ok: false as const, response: apiProblems(["body: must be a JSON JobSubmission { language, files: [{ name, content }] } in UTF-8"]) };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return notJson;
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return notJson;
  }
}
