/**
 * Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 for tests: a scratch storage folder,
 * a free port, optionally htpasswd (Basic) auth. Starts in well under a second.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { hashSync } from "bcryptjs";
import { scratchDir } from "./cli";

export interface TestRegistry {
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRegistry(opts: { user?: { name: string; password: string } } = {}): Promise<TestRegistry> {
  const dir = scratchDir("clusterkit-registry-");
  const port = await freePort();
  const auth = opts.user ? `auth:\n  htpasswd:\n    realm: test\n    path: ${join(dir, "htpasswd")}\n` : "";
  if (opts.user) writeFileSync(join(dir, "htpasswd"), `${opts.user.name}:${hashSync(opts.user.password, 4)}\n`);
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "storage")}\n  delete:\n    enabled: false\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
