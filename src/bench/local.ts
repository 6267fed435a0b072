/**
 * The benchmark without a cluster: the same workload images run with podman on this machine,
 * under runc, gVisor's runsc (systrap platform) when installed, and Kata when its runtime and
 * /dev/kvm are there. Images are loaded from the archives `npm run images -- build` writes.
 *
 * podman is started with settings that work on any Linux host (cgroupfs, file events, ulimits no
 * higher than this process's own hard limits, which podman cannot raise without CAP_SYS_RESOURCE).
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { RUNTIME_LABELS, RUNTIMES, type RuntimeName } from "../config/runtimes";
import { UserError } from "../errors";
import { runLoad } from "../../scripts/loadgen";
import { BENCH_IMAGES, type BenchApp, type BenchImage, type BenchSizes, parseWorkload, type Sample, SERVE_ARGS, SERVE_PORT, workloadArgs } from "./apps";
import { execFile, type ExecResult, why } from "./exec";
import { waitFirstByte } from "./first-byte";
import { kvmUnavailable } from "./kvm";
import type { MachineDescription, RuntimeStatus } from "./result";
import type { BenchBackend } from "./run";

const LOCAL_TARGET = "local-machine";
/** The uid the images run as (images/lib/constants.ts IMAGE_UID). */
const IMAGE_UID = 1000;

export interface LocalOptions {
  /** Folder of the image archives. @default build/images */
  readonly imagesDir: string;
  /** podman storage root (`--root`; `--runroot` is `<root>/run`); @default podman's own */
  readonly podmanRoot?: string;
  /** Where the I/O app's volume folders are made. @default /var/tmp */
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

interface RuntimeSetup {
  readonly status: RuntimeStatus;
  /** podman global arguments selecting the runtime (and its flags). */
  readonly args: readonly string[];
  /** Extra global arguments for containers without a network / with one. */
  readonly noNetwork: readonly string[];
  network: readonly string[];
}

const LOCAL_IMAGES: readonly BenchImage[] = [BENCH_IMAGES.cpu, BENCH_IMAGES.io, BENCH_IMAGES.net];

export class LocalBackend implements BenchBackend {
  readonly kind = "local" as const;
  readonly target = LOCAL_TARGET;
  private readonly setups = new Map<RuntimeName, RuntimeSetup>();
  private readonly references = new Map<BenchImage, string>();
  private readonly containers = new Set<string>();
  private readonly dirs = new Set<string>();
  private ulimits: string[] = [];
  private counter = 0;
  private versions: Record<string, string> = {};

  constructor(private readonly opts: LocalOptions) {}

  private podmanBase(): string[] {
    const storage = this.opts.podmanRoot ? ["--root", this.opts.podmanRoot, "--runroot", join(this.opts.podmanRoot, "run")] : [];
    return [...storage, "--cgroup-manager=cgroupfs", "--events-backend=file"];
  }

  private podman(args: readonly string[], timeoutMs = 600_000): Promise<ExecResult> {
    return execFile("podman", [...this.podmanBase(), ...args], { timeoutMs });
  }

  private async must(args: readonly string[], what: string, timeoutMs?: number): Promise<string> {
    const r = await this.podman(args, timeoutMs);
    if (r.status !== 0) throw new UserError(`${what} failed: ${why(r)}`);
    return r.stdout;
  }

  private async which(tool: string): Promise<string | undefined> {
    const r = await execFile("sh", ["-c", 'command -v "$1"', "sh", tool], { timeoutMs: 10_000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  private async version(cmd: string, args: string[]): Promise<string> {
    const r = await execFile(cmd, args, { timeoutMs: 20_000 });
    return (r.stdout || r.stderr).trim().split("\n")[0] ?? "unknown";
  }

  async prepare(only?: readonly RuntimeName[]): Promise<void> {
    const podman = await this.which("podman");
    if (!podman)
      throw new UserError("the local-machine benchmark runs containers with podman, which is not installed (Debian/Ubuntu: apt-get install podman runc)");
    if (process.getuid?.() !== 0)
      throw new UserError("the local-machine benchmark runs podman as root (rootless podman cannot run gVisor with cgroups here); run it with sudo");
    this.versions.podman = await this.version("podman", ["--version"]);
    // Hard limits of this process: podman may not go above them.
    const limits = await execFile("sh", ["-c", "ulimit -Hn; ulimit -Hu"], { timeoutMs: 10_000 });
    const [nofile, nproc] = limits.stdout
      .trim()
      .split("\n")
      .map((l) => (l === "unlimited" ? Infinity : Number(l)));
    const cap = (v: number | undefined, max: number) => String(Number.isFinite(v) && v! > 0 ? Math.min(v!, max) : max);
    this.ulimits = ["--ulimit", `nofile=${cap(nofile, 65536)}:${cap(nofile, 65536)}`, "--ulimit", `nproc=${cap(nproc, 8192)}:${cap(nproc, 8192)}`];
    await this.detectRuntimes(only);
    if (![...this.setups.values()].some((s) => s.status.available)) return;
    for (const image of LOCAL_IMAGES) await this.load(image);
    const gvisor = this.setups.get("gvisor");
    if (gvisor?.status.available) await this.probeGvisorNetwork(gvisor);
  }

  private async detectRuntimes(only?: readonly RuntimeName[]): Promise<void> {
    const runc = await this.which("runc");
    this.setups.set("runc", {
      status: runc
        ? { runtime: "runc", available: true, detail: `${await this.version(runc, ["--version"])} (${runc})` }
        : { runtime: "runc", available: false, detail: "runc is not installed (apt-get install runc)" },
      args: ["--runtime", runc ?? "runc"],
      noNetwork: [],
      network: [],
    });
    const runsc = only && !only.includes("gvisor") ? undefined : await this.which("runsc");
    const runscVersion = runsc ? await this.version(runsc, ["--version"]) : "";
    this.setups.set("gvisor", {
      status: runsc
        ? { runtime: "gvisor", available: true, detail: `${runscVersion}, platform systrap (${runsc})` }
        : {
            runtime: "gvisor",
            available: false,
            detail:
              only && !only.includes("gvisor")
                ? "not selected (--runtimes)"
                : "runsc is not installed (Debian 12: apt-get install -t bookworm-backports runsc)",
          },
      args: ["--runtime", runsc ?? "runsc", "--runtime-flag", "platform=systrap"],
      // runsc sets up its own network stack unless told there is none.
      noNetwork: ["--runtime-flag", "network=none"],
      network: [],
    });
    const kata = (await this.which("kata-runtime")) ?? (await this.which("containerd-shim-kata-v2"));
    const noKvm = kvmUnavailable();
    this.setups.set("kata", {
      status: noKvm
        ? { runtime: "kata", available: false, detail: `${noKvm}: Kata Containers runs each container in a virtual machine and needs hardware virtualization` }
        : !kata
          ? { runtime: "kata", available: false, detail: "Kata Containers is not installed (kata-runtime)" }
          : { runtime: "kata", available: true, detail: `${await this.version(kata, ["--version"])} (${kata})` },
      args: ["--runtime", kata ?? "kata-runtime"],
      noNetwork: [],
      network: [],
    });
  }

  /**
   * gVisor's own network stack (netstack) is the default; runsc releases before 2024-08 misjudge
   * the container's network namespace as the host's on some kernels ("cannot run with network
   * enabled in root network namespace"). Then the network app runs with runsc's host network mode
   * (the Sentry's sockets are the host kernel's, still inside the container's own namespace), and
   * the runtime's detail says so.
   */
  private async probeGvisorNetwork(setup: RuntimeSetup): Promise<void> {
    const name = this.containerName("probe");
    const port = await freePort();
    const r = await this.podman(
      [...setup.args, "run", "-d", "--name", name, ...this.ulimits, "-p", `127.0.0.1:${port}:${SERVE_PORT}`, this.ref(BENCH_IMAGES.net), ...SERVE_ARGS],
      120_000,
    );
    this.containers.add(name);
    let mode = "netstack (gVisor's own network stack)";
    if (r.status !== 0) {
      if (!/root network namespace/.test(`${r.stderr}${r.stdout}`)) throw new UserError(`gVisor could not start the network app: ${why(r)}`);
      setup.network = ["--runtime-flag", "network=host"];
      mode = "host (runsc --network=host: this runsc refuses its own network stack here, 'cannot run with network enabled in root network namespace')";
    }
    await this.remove(name);
    (setup as { status: RuntimeStatus }).status = { ...setup.status, detail: `${setup.status.detail}; network ${mode}` };
  }

  private async load(image: BenchImage): Promise<void> {
    const archive = join(this.opts.imagesDir, `${image}.tar`);
    if (!existsSync(archive))
      throw new UserError(`${archive} does not exist: build the benchmark's images first (npm run images -- build ${LOCAL_IMAGES.join(" ")})`);
    const out = await this.must(["load", "--input", archive], `podman load ${archive}`);
    const ref = /Loaded image(?:\(s\))?: *(\S+)/.exec(out)?.[1];
    if (!ref) throw new UserError(`podman load ${archive} named no image (${out.trim().slice(-200)})`);
    this.references.set(image, ref.split(",")[0]!);
    this.opts.log?.(`loaded ${ref}`);
  }

  private ref(image: BenchImage): string {
    const r = this.references.get(image);
    if (!r) throw new Error(`image ${image} was not loaded`);
    return r;
  }

  private containerName(what: string): string {
    return `clusterkit-bench-${process.pid}-${what}-${++this.counter}`;
  }

  private async remove(name: string): Promise<void> {
    await this.podman(["rm", "--force", "--time", "2", name], 60_000);
    this.containers.delete(name);
  }

  async describe(): Promise<MachineDescription> {
    const cpu = cpus();
    const cgroup = existsSync("/sys/fs/cgroup/cgroup.controllers") ? "v2" : "v1";
    const facts: Record<string, string> = {
      cpu: `${cpu[0]?.model.trim() ?? "unknown"} × ${cpu.length}`,
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      kernel: `Linux ${release()}`,
      cgroups: cgroup,
      kvm: kvmUnavailable() ? "no" : "yes",
      engine: this.versions.podman ?? "podman",
      os: osName(),
    };
    for (const r of RUNTIMES) {
      const s = this.setups.get(r)?.status;
      if (s) facts[r] = s.available ? s.detail : `not available: ${s.detail}`;
    }
    return { summary: `${facts.cpu}, ${facts.memory}, ${facts.os}, ${facts.kernel}, cgroups ${cgroup}, ${facts.engine}, KVM ${facts.kvm}`, facts };
  }

  async runtimes(): Promise<RuntimeStatus[]> {
    return RUNTIMES.map((r) => this.setups.get(r)?.status ?? { runtime: r, available: false, detail: "not detected" });
  }

  async measure(app: BenchApp, runtime: RuntimeName, sizes: BenchSizes): Promise<Sample> {
    const setup = this.setups.get(runtime);
    if (!setup?.status.available) throw new Error(`${RUNTIME_LABELS[runtime]} is not available`);
    switch (app) {
      case "cpu": {
        const out = await this.must(
          [
            ...setup.args,
            ...setup.noNetwork,
            "run",
            "--rm",
            "--network=none",
            "--read-only",
            ...this.ulimits,
            this.ref(BENCH_IMAGES.cpu),
            ...workloadArgs("cpu", sizes),
          ],
          `the cpu app under ${runtime}`,
        );
        return parseWorkload("cpu", out);
      }
      case "io": {
        const dir = mkdtempSync(join(this.opts.dataDir ?? "/var/tmp", "clusterkit-bench-io-"));
        this.dirs.add(dir);
        try {
          chownSync(dir, IMAGE_UID, IMAGE_UID);
          chmodSync(dir, 0o700);
          const out = await this.must(
            [
              ...setup.args,
              ...setup.noNetwork,
              "run",
              "--rm",
              "--network=none",
              "--read-only",
              ...this.ulimits,
              "--volume",
              `${dir}:/data`,
              this.ref(BENCH_IMAGES.io),
              ...workloadArgs("io", sizes),
            ],
            `the io app under ${runtime}`,
          );
          return parseWorkload("io", out);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          this.dirs.delete(dir);
        }
      }
      case "net":
        return this.net(setup, runtime, sizes);
      case "start":
        return this.start(setup, runtime);
    }
  }

  private async net(setup: RuntimeSetup, runtime: RuntimeName, sizes: BenchSizes): Promise<Sample> {
    const name = this.containerName("net");
    const port = await freePort();
    this.containers.add(name);
    try {
      await this.must(
        [
          ...setup.args,
          ...setup.network,
          "run",
          "-d",
          "--name",
          name,
          "--read-only",
          ...this.ulimits,
          "-p",
          `127.0.0.1:${port}:${SERVE_PORT}`,
          this.ref(BENCH_IMAGES.net),
          ...SERVE_ARGS,
        ],
        `the net app under ${runtime}`,
        120_000,
      );
      const url = new URL(`http://127.0.0.1:${port}/`);
      await waitFirstByte(url, 60_000);
      const s = await runLoad({ url, requests: sizes.requests, concurrency: sizes.concurrency, durationSeconds: 300, timeoutSeconds: 10 });
      if (s.requests === 0 || s.errors > 0 || !s.latency)
        throw new UserError(`the load generator got ${s.errors} errors in ${s.requests} requests (${JSON.stringify(s.errorCounts)})`);
      return { "net.throughput": s.requests / s.elapsedSeconds, "net.p50": s.latency.p50 };
    } finally {
      await this.remove(name);
    }
  }

  /** create → running (the runtime started the process) → first byte of an HTTP response. */
  private async start(setup: RuntimeSetup, runtime: RuntimeName): Promise<Sample> {
    const name = this.containerName("start");
    const port = await freePort();
    this.containers.add(name);
    try {
      const t0 = performance.now();
      await this.must(
        [
          ...setup.args,
          ...setup.network,
          "create",
          "--name",
          name,
          "--read-only",
          ...this.ulimits,
          "-p",
          `127.0.0.1:${port}:${SERVE_PORT}`,
          this.ref(BENCH_IMAGES.net),
          ...SERVE_ARGS,
        ],
        `creating the start app under ${runtime}`,
        120_000,
      );
      await this.must([...setup.args, ...setup.network, "start", name], `starting the start app under ${runtime}`, 120_000);
      const running = performance.now();
      const firstByte = await waitFirstByte(new URL(`http://127.0.0.1:${port}/`), 60_000, 2);
      return { "start.running": running - t0, "start.firstByte": firstByte - t0 };
    } finally {
      await this.remove(name);
    }
  }

  async cleanup(): Promise<void> {
    for (const name of [...this.containers]) await this.remove(name);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
}

/** A TCP port free on 127.0.0.1 right now (podman publishes the container's port there). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
