/**
 * One NATS connection per server process, shared by every page, action and route (kept on
 * globalThis: Next.js may load this module more than once, one copy per route bundle).
 * It reconnects forever; pages wait a bounded time for it and show a message instead of hanging.
 */
import { connect, DebugEvents, Events, type NatsConnection } from "nats";
import { natsSettings, SettingsError } from "./env";

export type NatsState = "not-started" | "not-configured" | "connecting" | "connected" | "reconnecting" | "disconnected" | "failed";

interface Holder {
  conn?: Promise<NatsConnection>;
  state: NatsState;
  /** Why the last attempt failed, for the health endpoint and logs (never contains the password). */
  error?: string;
}

const KEY = Symbol.for("clusterkit.frontend.nats");

function holder(): Holder {
  const g = globalThis as { [KEY]?: Holder };
  return (g[KEY] ??= { state: "not-started" });
}

/** Reads the settings and connects once; later calls share the same connection (or attempt). */
export function natsConnection(env: Readonly<Record<string, string | undefined>> = process.env): Promise<NatsConnection> {
  const h = holder();
  if (h.conn) return h.conn;
  let settings;
  try {
    settings = natsSettings(env);
  } catch (e) {
    h.state = "not-configured";
    h.error = e instanceof SettingsError ? e.message : String(e);
    return Promise.reject(e);
  }
  h.state = "connecting";
  const attempt = connect({
    servers: settings.servers,
    ...(settings.user ? { user: settings.user } : {}),
    ...(settings.password ? { pass: settings.password } : {}),
    ...(settings.inboxPrefix ? { inboxPrefix: settings.inboxPrefix } : {}),
    name: "clusterkit-frontend",
    // Keep trying while NATS starts or restarts; requests in the meantime fail fast with a message.
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    timeout: 5000,
  });
  h.conn = attempt;
  attempt.then(
    (nc) => {
      h.state = "connected";
      delete h.error;
      void (async () => {
        for await (const s of nc.status()) {
          if (s.type === Events.Disconnect) h.state = "disconnected";
          else if (s.type === DebugEvents.Reconnecting) h.state = "reconnecting";
          else if (s.type === Events.Reconnect) h.state = "connected";
          else if (s.type === Events.Error) h.error = String(s.data);
        }
      })();
      void nc.closed().then((err) => {
        if (h.conn === attempt) delete h.conn;
        h.state = "disconnected";
        if (err) h.error = err.message;
      });
    },
    (err: Error) => {
      // Authentication failures end the attempt; the next request starts a fresh one.
      if (h.conn === attempt) delete h.conn;
      h.state = "failed";
      h.error = err.message;
    },
  );
  return attempt;
}

export function natsStatus(): { state: NatsState; error?: string } {
  const h = holder();
  return { state: h.state, ...(h.error ? { error: h.error } : {}) };
}

/** Closes the shared connection (tests, shutdown). */
export async function closeNats(): Promise<void> {
  const h = holder();
  const conn = h.conn;
  delete h.conn;
  if (conn) await (await conn.catch(() => undefined))?.close();
}

export class UnavailableError extends Error {}

/** The shared connection, or an UnavailableError with a message for people after `ms`. */
export async function natsOrUnavailable(ms = 3000): Promise<NatsConnection> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError(`The job service (NATS) is not reachable right now (${natsStatus().state}); try again in a moment.`)),
      ms,
    );
  });
  try {
    const nc = await Promise.race([natsConnection(), timeout]);
    // While NATS is away every call would wait for its own timeout: say so at once instead.
    const { state } = natsStatus();
    if (state === "disconnected" || state === "reconnecting")
      throw new UnavailableError(`The job service (NATS) is not reachable right now (${state}); try again in a moment.`);
    return nc;
  } catch (e) {
    if (e instanceof UnavailableError) throw e;
    throw new UnavailableError(
      e instanceof SettingsError ? `The frontend is misconfigured: ${e.message}` : `The job service (NATS) refused the connection: ${(e as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
