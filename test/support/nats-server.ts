/**
 * Starts Debian's nats-server with a synthesized nats.conf, made runnable on one machine: the
 * cluster block dropped, listening on 127.0.0.1 on a random port, no monitoring port, pid file and
 * JetStream store in a temporary folder, every `$VARIABLE` the config references set in the
 * server's environment (passwords are the caller's). Everything else — users, permissions,
 * JetStream limits — is exactly what the chart writes.
 *
 * Usage: `const s = await startNatsServer(confText, { NATS_FRONTEND_PASSWORD: "k..." }); ...; await s.stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningNats {
  readonly url: string;
  readonly port: number;
  /** The config the server actually runs. */
  readonly conf: string;
  /** Everything the server printed so far (permission violations show up here). */
  log(): string;
  stop(): Promise<void>;
}

/** The synthesized config, changed only where one machine needs it. */
function localNatsConf(conf: string, dir: string): string {
  const lines = conf.split("\n");
  const out: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (depth > 0 || /^cluster\s*\{/.test(line)) {
      depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      continue;
    }
    if (/^port:/.test(line)) out.push("listen: 127.0.0.1:-1");
    else if (/^http_port:/.test(line)) continue;
    else if (/^pid_file:/.test(line)) out.push(`pid_file: ${JSON.stringify(join(dir, "nats.pid"))}`);
    else if (/^\s*store_dir:/.test(line)) out.push(`  store_dir: ${JSON.stringify(join(dir, "data"))}`);
    else out.push(line);
  }
  return out.join("\n");
}

export async function startNatsServer(conf: string, env: Record<string, string>): Promise<RunningNats> {
  const dir = mkdtempSync(join(tmpdir(), "clusterkit-nats-"));
  const local = localNatsConf(conf, dir);
  const file = join(dir, "nats.conf");
  writeFileSync(file, local);
  const child: ChildProcess = spawn("nats-server", ["-c", file], {
    env: { PATH: process.env.PATH ?? "", SERVER_NAME: "nats-test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start within 10 s:\n${log}`)), 10_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m && /Server is ready/.test(log)) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    conf: local,
    // onData keeps appending after startup.
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A password as the deploy step makes them (a letter first, so NATS reads a string). */
export function testPassword(): string {
  return `k${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url")}`;
}
