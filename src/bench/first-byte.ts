/** Polls an HTTP URL until the first byte of a response arrives; resolves with that moment. */
import http from "node:http";
import { UserError } from "../errors";

function tryOnce(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { connection: "close" } }, (res) => {
      res.once("data", () => {
        resolve(true);
        res.destroy();
      });
      res.once("end", () => resolve(true));
      res.once("error", () => resolve(false));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** performance.now() when the first response byte arrived; throws after `timeoutMs`. */
export async function waitFirstByte(url: URL, timeoutMs: number, intervalMs = 10): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await tryOnce(url, Math.max(50, Math.min(1000, deadline - performance.now())))) return performance.now();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new UserError(`no HTTP response from ${url.href} within ${Math.round(timeoutMs / 1000)} s`);
}
