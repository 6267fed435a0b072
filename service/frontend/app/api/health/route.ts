/**
 * Liveness and readiness for the kubelet (no sign-in: probes do not pass through oauth2-proxy).
 * `ok` means the server answers; `nats` says whether the shared NATS connection is up, so a probe
 * or a person can tell "frontend down" from "NATS unreachable" without the page hanging.
 */
import { natsConnection, natsStatus } from "../../../lib/nats";

export const dynamic = "force-dynamic";

export function GET(): Response {
  // Start (or keep) the connection attempt; the answer never waits for it.
  natsConnection().catch(() => undefined);
  const nats = natsStatus();
  return Response.json({ ok: true, nats: { connected: nats.state === "connected", ...nats } }, { headers: { "cache-control": "no-store" } });
}
