/**
 * The probes' endpoint on HEALTH_PORT: `/healthz` (liveness: the process answers) and `/readyz`
 * (readiness: NATS connected, the Kubernetes API reachable, not draining). Readiness only gates
 * nothing but rollouts here (the middleware has no Service); it tells an operator why a replica idles.
 */
import { createServer, type Server } from "node:http";

export interface ReadinessChecks {
  readonly nats: () => boolean;
  /** Resolves when the API answers (an allowed call), rejects otherwise. */
  readonly api: () => Promise<void>;
  readonly draining: () => boolean;
}

/** An API answer is trusted this long, so frequent probes do not hammer the API server. */
const API_CHECK_TTL_MS = 5_000;
const API_CHECK_TIMEOUT_MS = 3_000;

export function healthServer(checks: ReadinessChecks): Server {
  let apiOkAt = 0;
  const apiOk = async (): Promise<boolean> => {
    if (Date.now() - apiOkAt < API_CHECK_TTL_MS) return true;
    try {
      await Promise.race([checks.api(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), API_CHECK_TIMEOUT_MS).unref())]);
      apiOkAt = Date.now();
      return true;
    } catch {
      return false;
    }
  };
  return createServer((req, res) => {
    const send = (code: number, body: Record<string, unknown>) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { error: "GET only" });
    if (path === "/healthz") return send(200, { ok: true });
    if (path === "/readyz") {
      void (async () => {
        const nats = checks.nats();
        const draining = checks.draining();
        const api = nats && !draining ? await apiOk() : false;
        const ok = nats && api && !draining;
        send(ok ? 200 : 503, { ok, nats, api, draining });
      })();
      return;
    }
    send(404, { error: "not found" });
  });
}
