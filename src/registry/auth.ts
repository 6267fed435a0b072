/**
 * Registry authentication: the `WWW-Authenticate` challenge of a 401 says how. Basic sends the
 * credentials on every request; Bearer (Docker token auth, which Alibaba Container Registry uses)
 * trades them at the challenge's realm for a short-lived token per repository scope. Credentials
 * come from the environment only and never appear in a message.
 */
import { discard, readBody, type Transport } from "./http";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Variables holding a registry login (never argv, never config). */
export const REGISTRY_ENV = { username: "CLUSTERKIT_REGISTRY_USERNAME", password: "CLUSTERKIT_REGISTRY_PASSWORD" } as const;

/** The credentials in `env`, undefined when neither variable is set; throws when only one is. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const username = env[REGISTRY_ENV.username];
  const password = env[REGISTRY_ENV.password];
  if (!username && !password) return undefined;
  if (!username || !password)
    throw new Error(`set both ${REGISTRY_ENV.username} and ${REGISTRY_ENV.password} (only ${username ? REGISTRY_ENV.username : REGISTRY_ENV.password} is set)`);
  return { username, password };
}

export interface Challenge {
  readonly scheme: "basic" | "bearer";
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`; undefined for other schemes. */
function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== "basic" && scheme !== "bearer") return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? "").replace(/\\(.)/g, "$1");
  return { scheme, params };
}

function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}`;
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials | undefined,
  ) {}

  /** Remembers the registry's challenge (from a 401); returns false when it cannot be answered. */
  learn(header: string | undefined): boolean {
    const c = parseChallenge(header);
    if (!c) return false;
    this.challenge = c;
    return true;
  }

  /** Drops a cached token so the next `header()` fetches a fresh one (after a 401 with a token). */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  /** The Authorization header for `scope` (`repository:<name>:pull,push`), or undefined before any challenge. */
  async header(scope: string): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === "basic") {
      if (!this.credentials) throw new Error(`the registry asks for a login (Basic): set ${REGISTRY_ENV.username} and ${REGISTRY_ENV.password}`);
      return basicHeader(this.credentials);
    }
    const cached = this.tokens.get(scope);
    if (cached) return `Bearer ${cached}`;
    const realm = c.params.realm;
    if (!realm) throw new Error("the registry's Bearer challenge names no realm");
    const url = new URL(realm);
    if (c.params.service) url.searchParams.set("service", c.params.service);
    url.searchParams.set("scope", scope);
    const res = await this.transport({ method: "GET", url, headers: this.credentials ? { authorization: basicHeader(this.credentials) } : {} });
    if (res.status === 401 || res.status === 403) {
      await discard(res);
      throw new Error(
        this.credentials
          ? `the registry's token service (${url.origin}) refused the login from ${REGISTRY_ENV.username}/${REGISTRY_ENV.password} for ${scope} (HTTP ${res.status})`
          : `the registry's token service (${url.origin}) needs a login for ${scope}: set ${REGISTRY_ENV.username} and ${REGISTRY_ENV.password}`,
      );
    }
    const body = await readBody(res, 1 << 20);
    if (res.status !== 200) throw new Error(`the registry's token service (${url.origin}) answered HTTP ${res.status}`);
    let token: string | undefined;
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { token?: string; access_token?: string };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (!token) throw new Error(`the registry's token service (${url.origin}) answered without a token`);
    this.tokens.set(scope, token);
    return `Bearer ${token}`;
  }
}
