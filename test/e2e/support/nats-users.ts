/**
 * A small nats.conf for tests that need specific users and permissions rather than the chart's
 * (e.g. the frontend with exactly the rights it needs): JetStream on, one user per spec with a
 * generated password passed as a `$VARIABLE`, as the chart does. Runs with startNatsServer from
 * test/support/nats-server.ts (a random port unless `port` is given).
 */
import { testPassword } from "../../support/nats-server";

export interface NatsRules {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

export interface NatsUserSpec {
  readonly user: string;
  /** @default everything */
  readonly publish?: NatsRules;
  /** @default everything */
  readonly subscribe?: NatsRules;
  /** @default false */
  readonly allowResponses?: boolean;
}

export interface UsersConf {
  readonly text: string;
  /** The server's environment (the password variables). */
  readonly env: Record<string, string>;
  /** user → password. */
  readonly passwords: Readonly<Record<string, string>>;
}

const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
const rules = (r: NatsRules) => `{ ${[r.allow ? `allow: ${list(r.allow)}` : "", r.deny ? `deny: ${list(r.deny)}` : ""].filter(Boolean).join(", ")} }`;

/**
 * @param port a fixed client port (to restart a server where its clients expect it)
 * @param passwords reuse these passwords (a restarted server keeps its users' passwords)
 */
export function usersConf(users: readonly NatsUserSpec[], options: { port?: number; passwords?: Readonly<Record<string, string>> } = {}): UsersConf {
  const env: Record<string, string> = {};
  const passwords: Record<string, string> = {};
  // `port:` becomes a random loopback port in startNatsServer; `listen:` is kept as written.
  const lines = [
    options.port ? `listen: 127.0.0.1:${options.port}` : "port: 4222",
    "jetstream {",
    "  max_memory_store: 0",
    "  store_dir: /data",
    "}",
    "authorization {",
    "  users: [",
  ];
  users.forEach((u, i) => {
    const variable = `NATS_TEST_PASSWORD_${i}`;
    passwords[u.user] = env[variable] = options.passwords?.[u.user] ?? testPassword();
    const perms = [
      u.publish ? `publish: ${rules(u.publish)}` : "",
      u.subscribe ? `subscribe: ${rules(u.subscribe)}` : "",
      u.allowResponses ? "allow_responses: true" : "",
    ].filter(Boolean);
    lines.push(`    { user: ${JSON.stringify(u.user)}, password: $${variable}${perms.length ? `, permissions: { ${perms.join(", ")} }` : ""} }`);
  });
  lines.push("  ]", "}");
  return { text: lines.join("\n") + "\n", env, passwords };
}
