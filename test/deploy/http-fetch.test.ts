/** The real downloader says WHY a download failed (fetch() itself only says "fetch failed"). */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
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
    await assert.rejects(httpFetch(`http://127.0.0.1:${port}/metallb.yaml`), (e: unknown) => /fetch failed \(.*ECONNREFUSED/.test((e as Error).message));
  });
});
