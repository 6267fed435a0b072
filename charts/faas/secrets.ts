/**
 * The Secrets the workload references but never contains. The deploy step creates them at apply
 * time from the user's environment (or an env file), checking each rule before anything is created.
 */
import type { FaasConfig } from "../../src/config/schema";

export interface SecretKeySpec {
  /** Key inside the Secret. */
  readonly key: string;
  /** Environment variable the deploy step reads the value from. */
  readonly envVar: string;
  /** Human-readable rule, shown when the value is missing or invalid. */
  readonly rule: string;
  /** Returns an error message when the value breaks the rule. */
  readonly check?: (value: string) => string | undefined;
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

export function faasSecrets(faas: FaasConfig): SecretSpec[] {
  if (!faas.enabled) return [];
  return [
    {
      namespace: faas.namespace,
      name: faas.oauth2Proxy.secretName,
      keys: [
        { key: "client-id", envVar: "OAUTH2_PROXY_CLIENT_ID", rule: "the OAuth client id registered with the identity provider" },
        { key: "client-secret", envVar: "OAUTH2_PROXY_CLIENT_SECRET", rule: "the OAuth client secret registered with the identity provider" },
        { key: "cookie-secret", envVar: "OAUTH2_PROXY_COOKIE_SECRET", rule: "16, 24 or 32 bytes (or URL-safe base64 of them)", check: cookieSecretProblem },
      ],
    },
  ];
}
