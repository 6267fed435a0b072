/**
 * A real nats-server for tests: a temporary folder, a config with users and permissions (or a
 * given config text), JetStream on disk, loopback only. Passwords are random and passed as
 * environment variables the config references, as the chart does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports";

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

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Password of each configured user. */
  readonly passwords: Readonly<Record<string, string>>;
  /** Everything the server printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** Users with their permissions (a minimal config is written around them). */
  readonly users?: readonly NatsUserSpec[];
  /**
   * A complete config instead (e.g. the chart's synthesized nats.conf with its listen and store
   * paths adjusted); `{{PORT}}` and `{{STORE_DIR}}` are replaced, `env` is passed to the server.
   */
  readonly config?: { readonly text: string; readonly env: Readonly<Record<string, string>> };
  /** Client port (e.g. to restart a server where its clients expect it). @default a free port */
  readonly port?: number;
}

const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
const rules = (r: NatsRules) => `{ ${r.allow ? `allow: ${list(r.allow)}` : ""}${r.allow && r.deny ? ", " : ""}${r.deny ? `deny: ${list(r.deny)}` : ""} }`;

/** A password that starts with a letter (nats-server reads `1e3` as a number). */
export function testPassword(): string {
  return `p${randomBytes(18).toString("base64url")}`;
}

function minimalConfig(users: readonly NatsUserSpec[]): { text: string; env: Record<string, string>; passwords: Record<string, string> } {
  const env: Record<string, string> = {};
  const passwords: Record<string, string> = {};
  const lines = ["listen: 127.0.0.1:{{PORT}}", "jetstream { store_dir: {{STORE_DIR}}, max_memory_store: 0, max_file_store: 1G }", "authorization {", "  users: ["];
  users.forEach((u, i) => {
    const variable = `NATS_TEST_PASSWORD_${i}`;
    passwords[u.user] = env[variable] = testPassword();
    const perms = [u.publish ? `publish: ${rules(u.publish)}` : "", u.subscribe ? `subscribe: ${rules(u.subscribe)}` : "", u.allowResponses ? "allow_responses: true" : ""].filter(Boolean);
    lines.push(`    { user: ${JSON.stringify(u.user)}, password: $${variable}${perms.length ? `, permissions: { ${perms.join(", ")} }` : ""} }`);
  });
  lines.push("  ]", "}");
  return { text: lines.join("\n") + "\n", env, passwords };
}

function waitForPort(port: number, child: ChildProcess, output: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nats-server exited with ${child.exitCode}:\n${output()}`));
      const s = tcpConnect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve();
      });
      s.on("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nats-server did not listen on ${port} within ${ms} ms:\n${output()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startNatsServer(options: NatsServerOptions): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "clusterkit-nats-test-"));
  const port = options.port ?? (await freePort());
  const conf = options.config ? { ...options.config, passwords: {} } : minimalConfig(options.users ?? []);
  const passwords = options.config ? {} : conf.passwords;
  const file = join(dir, "nats.conf");
  writeFileSync(file, conf.text.replaceAll("{{PORT}}", String(port)).replaceAll("{{STORE_DIR}}", JSON.stringify(join(dir, "jetstream"))));
  let output = "";
  const child = spawn("nats-server", ["-c", file], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin:/usr/sbin", ...conf.env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, port, passwords, log: () => output, stop };
}
