/**
 * Who is asking: ONLY the headers oauth2-proxy sets (`X-Forwarded-Email`, `X-Forwarded-User`).
 * oauth2-proxy is the only way in and replaces whatever a client sent under those names, so the
 * frontend never looks at cookies, query strings or any other header for identity.
 */
import { IDENTITY_HEADERS, userIdFromEmail } from "../../contract/user";

export interface Identity {
  /** Lower-cased, trimmed email (the header's value). */
  readonly email: string;
  /** X-Forwarded-User when oauth2-proxy sent one (display only). */
  readonly user?: string;
  /** userIdFromEmail(email): names the user's KV bucket and object store. */
  readonly userId: string;
}

/** Anything with `get(name)` (Fetch Headers, Next's ReadonlyHeaders, a Map wrapper in tests). */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * One address, no list, no spaces or quoting, at most 254 characters (RFC 5321's path limit).
 * oauth2-proxy sends exactly one address; anything else is treated as no identity.
 */
const EMAIL = /^[^\s@,;<>"'()\\[\]]+@[^\s@,;<>"'()\\[\]]+$/;
const MAX_EMAIL = 254;
/** Printable ASCII only (a header value), bounded. */
const USER = /^[\x21-\x7e]{1,256}$/;

function email(value: string | null): string | undefined {
  if (value === null) return undefined;
  const normalized = value.trim().toLowerCase();
  return normalized.length <= MAX_EMAIL && EMAIL.test(normalized) ? normalized : undefined;
}

/**
 * The signed-in user, or undefined when the request did not come through oauth2-proxy with a
 * session. Some providers put the address only in X-Forwarded-User; it is accepted there when
 * X-Forwarded-Email is absent.
 */
export function identityFromHeaders(headers: HeaderSource): Identity | undefined {
  const rawUser = headers.get(IDENTITY_HEADERS.user)?.trim();
  const user = rawUser && USER.test(rawUser) ? rawUser : undefined;
  // When X-Forwarded-Email is sent it alone decides; a malformed one is no identity, not a reason to look elsewhere.
  const emailHeader = headers.get(IDENTITY_HEADERS.email);
  const address = emailHeader !== null ? email(emailHeader) : email(user ?? null);
  if (!address) return undefined;
  return { email: address, ...(user ? { user } : {}), userId: userIdFromEmail(address) };
}

/** What a request without identity is told (pages and routes answer 401 with it). */
export const UNAUTHENTICATED_MESSAGE =
  "Not signed in: this service is reached only through oauth2-proxy, which identifies you with the X-Forwarded-Email header. Open the service's oauth2-proxy address and sign in.";
