/**
 * The Secrets the workload references but never contains: the contract between the charts (which
 * reference them by name and key) and the deploy step (which creates them at apply time: INPUT keys
 * from the user's environment (or an env file), checking each rule before anything is created;
 * GENERATED keys (internal passwords) randomly, once, keeping the value the cluster already holds on
 * every later run). test/contracts/secrets.test.ts checks every reference in the synthesized
 * manifests against these specs.
 */
import type { FaasConfig } from "../config/schema";

/** Secret (created at deploy time in the service namespace) holding the NATS users' passwords. */
export const NATS_CREDENTIALS_SECRET = "nats-credentials";

/** The NATS users of the workload (executors hold no NATS credentials at all). */
export type NatsUserName = "frontend" | "middleware";
const NATS_USER_NAMES: readonly NatsUserName[] = ["frontend", "middleware"];

/** Key of a NATS user's password inside the `nats-credentials` Secret. */
export function natsPasswordKey(user: NatsUserName): string {
  return `${user}-password`;
}

/** Secret (created by deploy, bcrypt hashes only) with the local sign-in users' htpasswd file, and its key. */
export const LOCAL_USERS_SECRET = "oauth2-proxy-local-users";
export const LOCAL_USERS_KEY = "htpasswd";

/** Address of a generated local account (deploy creates it; oauth2-proxy's email-domain rule admits it). */
export function localUserEmail(name: string, emailDomain: string): string {
  return `${name}@${emailDomain}`;
}

/** A value the user supplies. */
export interface InputKeySpec {
  /** Key inside the Secret. */
  readonly key: string;
  /** Environment variable the deploy step reads the value from. */
  readonly envVar: string;
  /** Human-readable rule, shown when the value is missing or invalid. */
  readonly rule: string;
  /** Returns an error message when the value breaks the rule. */
  readonly check?: (value: string) => string | undefined;
}

/** A value the deploy step generates (32 random bytes, base64url) when the cluster has none yet. */
export interface GeneratedKeySpec {
  /** Key inside the Secret. */
  readonly key: string;
  /**
   * Identity of the value: keys (in any Secret, any namespace) with the same id hold ONE value,
   * generated once. This is how a password reaches both the server's and the client's namespace.
   */
  readonly generated: string;
  /** What the value is for (shown in logs, never the value). */
  readonly rule: string;
  /**
   * `password`: 32 random bytes, base64url, prefixed with a letter (NATS reads it as a string).
   * `cookie-secret`: 32 random bytes, base64url (oauth2-proxy decodes it to an AES-256 key).
   * @default password
   */
  readonly format?: "password" | "cookie-secret";
}

export type SecretKeySpec = InputKeySpec | GeneratedKeySpec;

export function isGeneratedKey(key: SecretKeySpec): key is GeneratedKeySpec {
  return "generated" in key;
}

export interface SecretSpec {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly SecretKeySpec[];
}

/** oauth2-proxy decodes the cookie secret as URL-safe base64 when that yields 16/24/32 bytes, else uses the raw bytes. */
export function cookieSecretProblem(value: string): string | undefined {
  const trimmed = value.replace(/=+$/, "");
  // Go's RawURLEncoding rejects a length of 1 mod 4 (Node's decoder silently drops the last char),
  // and oauth2-proxy then falls back to the raw bytes.
  if (/^[A-Za-z0-9_-]+$/.test(trimmed) && trimmed.length % 4 !== 1) {
    const decoded = Buffer.from(trimmed, "base64url");
    if ([16, 24, 32].includes(decoded.length)) return undefined;
  }
  const raw = Buffer.byteLength(value, "utf8");
  if ([16, 24, 32].includes(raw)) return undefined;
  return `must be 16, 24 or 32 bytes, or URL-safe base64 of that many (got ${raw} bytes); generate one with: openssl rand -base64 32 | tr -- '+/' '-_'`;
}

/** NATS passwords: the server and both clients (frontend, middleware) live in the service namespace. */
function natsCredentialSecrets(faas: FaasConfig): SecretSpec[] {
  const key = (name: NatsUserName): GeneratedKeySpec => ({
    key: natsPasswordKey(name),
    generated: `nats-${name}-password`,
    rule: `NATS password of user ${name}`,
  });
  return [{ namespace: faas.namespace, name: NATS_CREDENTIALS_SECRET, keys: NATS_USER_NAMES.map(key) }];
}

/** oauth2-proxy reads OAUTH2_PROXY_<FLAG>: the variable each key of its Secret is exposed as. */
export const OAUTH2_PROXY_SECRET_ENV = {
  "client-id": "OAUTH2_PROXY_CLIENT_ID",
  "client-secret": "OAUTH2_PROXY_CLIENT_SECRET",
  "cookie-secret": "OAUTH2_PROXY_COOKIE_SECRET",
} as const;

/**
 * oauth2-proxy's Secret. With an external provider the user supplies all three values. With
 * local users nothing is registered anywhere: oauth2-proxy still requires a client id and secret
 * for its (unused, hidden) provider, so those and the cookie secret are generated once per cluster;
 * a cookie minted by any other deployment (another key) is rejected.
 */
function oauth2ProxySecret(faas: FaasConfig): SecretSpec {
  const local = faas.oauth2Proxy.signIn === "local-users";
  const keys: SecretKeySpec[] = local
    ? [
        { key: "client-id", generated: "oauth2-proxy-unused-client-id", rule: "placeholder client id of the hidden provider (local users sign in)" },
        { key: "client-secret", generated: "oauth2-proxy-unused-client-secret", rule: "placeholder client secret of the hidden provider" },
        { key: "cookie-secret", generated: "oauth2-proxy-cookie-secret", rule: "oauth2-proxy cookie encryption key", format: "cookie-secret" },
      ]
    : [
        { key: "client-id", envVar: OAUTH2_PROXY_SECRET_ENV["client-id"], rule: "the OAuth client id registered with the identity provider" },
        { key: "client-secret", envVar: OAUTH2_PROXY_SECRET_ENV["client-secret"], rule: "the OAuth client secret registered with the identity provider" },
        {
          key: "cookie-secret",
          envVar: OAUTH2_PROXY_SECRET_ENV["cookie-secret"],
          rule: "16, 24 or 32 bytes (or URL-safe base64 of them)",
          check: cookieSecretProblem,
        },
      ];
  return { namespace: faas.namespace, name: faas.oauth2Proxy.secretName, keys };
}

export function faasSecrets(faas: FaasConfig): SecretSpec[] {
  if (!faas.enabled) return [];
  return [oauth2ProxySecret(faas), ...natsCredentialSecrets(faas)];
}
