/**
 * Podman as the tests run it here: a private containers.conf (CONTAINERS_CONF, never /etc) with
 * the settings this sandbox needs, and checks that say why a container test cannot run.
 *
 * The settings (measured, see /work/shared/reference/faas-service.md when present): crun does not
 * work with cgroups v1 in hybrid mode, so runc; cgroupfs because no systemd manages cgroups; file
 * events because there is no journald; and default ulimits no higher than the sandbox's own, since
 * podman may not raise them without CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: Operation not
 * permitted"). gVisor's runsc (bookworm-backports) runs with the systrap platform; it needs
 * `--network=none` as its own flag when the container has no network.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasTool } from "./tools";

export type Runtime = "runc" | "runsc";

const CONTAINERS_CONF = `# Written by test/support/podman-env.ts for the tests only.
[containers]
default_ulimits = ["nofile=1024:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[engine.runtimes]
runc = ["/usr/sbin/runc", "/usr/bin/runc"]
runsc = ["/usr/bin/runsc", "/usr/local/bin/runsc"]
`;

let env: NodeJS.ProcessEnv | undefined;

/** The environment podman runs with in tests (CONTAINERS_CONF points at a private file). */
export function podmanEnv(): NodeJS.ProcessEnv {
  if (!env) {
    const dir = mkdtempSync(join(tmpdir(), "clusterkit-podman-"));
    const conf = join(dir, "containers.conf");
    writeFileSync(conf, CONTAINERS_CONF);
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    env = { ...process.env, CONTAINERS_CONF: conf };
  }
  return env;
}

/** podman's global arguments (before the subcommand) for a runtime. */
export function runtimeArgs(runtime: Runtime): string[] {
  return runtime === "runsc" ? ["--runtime", "runsc", "--runtime-flag", "platform=systrap", "--runtime-flag", "network=none"] : ["--runtime", "runc"];
}

const readiness = new Map<Runtime, string | undefined>();

/**
 * Why containers cannot run here with `runtime`, or undefined when they can. Checked once per
 * process by running `true` in an empty root filesystem (a static binary), so a runtime that is
 * installed but broken (bookworm's own runsc lacks systrap) is reported, not just a missing tool.
 */
export function containerSkipReason(runtime: Runtime): string | undefined {
  if (readiness.has(runtime)) return readiness.get(runtime);
  let reason: string | undefined;
  const tools = ["podman", runtime];
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length > 0) reason = `${missing.join(", ")} not installed`;
  else if (process.getuid?.() !== 0) reason = "the container tests run podman as root";
  else reason = smokeTest(runtime);
  readiness.set(runtime, reason);
  return reason;
}

function smokeTest(runtime: Runtime): string | undefined {
  if (!hasTool("gcc")) return "gcc not installed (the runtime check runs a static test binary)";
  const dir = mkdtempSync(join(tmpdir(), "clusterkit-smoke-"));
  const rootfs = join(dir, "rootfs");
  mkdirSync(rootfs);
  writeFileSync(join(dir, "true.c"), "int main(void) { return 0; }\n");
  const cc = spawnSync("gcc", ["-static", "-O2", "-o", join(rootfs, "true"), join(dir, "true.c")], { encoding: "utf8" });
  if (cc.status !== 0) return `gcc cannot build a static binary here (${cc.stderr.trim().split("\n").slice(-1)[0]})`;
  const r = spawnSync("podman", [...runtimeArgs(runtime), "run", "--rm", "--network", "none", "--read-only", "--rootfs", rootfs, "/true"], {
    env: podmanEnv(),
    encoding: "utf8",
    timeout: 60_000,
  });
  rmSync(dir, { recursive: true, force: true });
  if (r.status === 0) return undefined;
  const why = `${r.stderr ?? ""}${r.error?.message ?? ""}`.trim().split("\n").slice(-1)[0];
  return `podman with ${runtime} cannot run a container here (${why || `exit ${r.status}`})`;
}
