/**
 * The frontend's NATS settings, from the environment variables the chart sets (names from the
 * contract, so a rename breaks the build on both sides).
 */
import { NATS_ENV } from "../../contract/env";

export interface NatsSettings {
  /** NATS_URL: one URL or a comma-separated list (`nats://nats.faas.svc:4222`). */
  readonly servers: string[];
  /** NATS_USER, when the server requires authentication. @default none */
  readonly user?: string;
  /** NATS_PASSWORD (never logged). @default none */
  readonly password?: string;
  /**
   * NATS_INBOX_PREFIX: the reply-subject prefix NATS lets this user subscribe to (the chart sets
   * the contract's inboxPrefix("frontend"), `_INBOX_frontend`).
   * @default NATS's own `_INBOX`
   */
  readonly inboxPrefix?: string;
}

export class SettingsError extends Error {}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

export function natsSettings(env: Readonly<Record<string, string | undefined>>): NatsSettings {
  const url = env[NATS_ENV.url]?.trim();
  if (!url) throw new SettingsError(`${NATS_ENV.url} is not set: the frontend needs the NATS server's address (e.g. nats://127.0.0.1:4222)`);
  const servers = url
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers) {
    if (!/^(nats|tls|wss?):\/\/[^\s/@]+(:\d+)?\/?$/.test(s) && !/^[^\s/:@]+:\d+$/.test(s)) {
      throw new SettingsError(`${NATS_ENV.url}: ${JSON.stringify(s)} is not a NATS server address (nats://host:port, without credentials)`);
    }
  }
  const user = env[NATS_ENV.user]?.trim() || undefined;
  const password = env[NATS_ENV.password] || undefined;
  if (password && !user) throw new SettingsError(`${NATS_ENV.password} is set but ${NATS_ENV.user} is not`);
  const prefix = env[NATS_ENV.inboxPrefix]?.trim() || undefined;
  if (prefix !== undefined && !prefix.split(".").every((t) => SUBJECT_TOKEN.test(t))) {
    throw new SettingsError(`${NATS_ENV.inboxPrefix}: ${JSON.stringify(prefix)} must be NATS subject tokens (letters, digits, '_', '-') separated by dots`);
  }
  return { servers, ...(user ? { user } : {}), ...(password ? { password } : {}), ...(prefix ? { inboxPrefix: prefix } : {}) };
}
