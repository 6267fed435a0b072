/** Test doubles for the deploy step: a runner that records calls and answers from a handler, and a clock that never sleeps. */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../src/deploy/retry";
import type { RunOptions, RunResult, Runner } from "../../src/deploy/runner";
import { scratchDir } from "../support/cli";

export interface Call {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly umask?: number;
}

export type Handler = (call: Call) => Partial<RunResult> | undefined;

/** Records every call; `handler` answers (undefined or missing fields mean success with no output). */
export function fakeRunner(handler: Handler = () => undefined): Runner & { readonly calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(cmd: string, args: readonly string[], opts: RunOptions = {}) {
      const call: Call = { cmd, args: [...args], input: opts.input, cwd: opts.cwd, env: opts.env, umask: opts.umask };
      calls.push(call);
      const r = handler(call) ?? {};
      return { code: r.code ?? 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    },
  };
}

/** A clock whose sleeps only advance time. */
export function fakeClock(): Clock & { slept: number } {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

/** kubectl arguments after `--kubeconfig <path>`. */
export function kubectlArgs(call: Call): readonly string[] {
  return call.args[0] === "--kubeconfig" ? call.args.slice(2) : call.args;
}

/** A `kubectl get nodes -o json` answer. */
export function nodesJson(nodes: readonly { name: string; ready: boolean }[]): string {
  return JSON.stringify({
    items: nodes.map((n) => ({ metadata: { name: n.name }, status: { conditions: [{ type: "Ready", status: n.ready ? "True" : "False" }] } })),
  });
}

/** A folder of executables named `tools`, each a shell script with the given body (default: exit 0). */
export function stubBin(tools: Readonly<Record<string, string>>): string {
  const dir = join(scratchDir("clusterkit-bin-"), "bin");
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(tools)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body || "exit 0"}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

/** `VBoxManage list hostonlyifs` output for the given interfaces. */
export function hostOnlyList(ifs: readonly { name: string; ip: string; mask?: string }[]): string {
  return ifs
    .map(
      (i) =>
        `Name:            ${i.name}\nGUID:            786f6276-656e-4074-8000-0a0027000000\nDHCP:            Disabled\nIPAddress:       ${i.ip}\nNetworkMask:     ${i.mask ?? "255.255.255.0"}\nIPV6Address:     fe80::800:27ff:fe00:0\nIPV6NetworkMaskPrefixLength: 64\nHardwareAddress: 0a:00:27:00:00:00\nMediumType:      Ethernet\nWireless:        No\nStatus:          Up\nVBoxNetworkName: HostInterfaceNetworking-${i.name}\n`,
    )
    .join("\n");
}

/** `kubectl get deployment|statefulset <name> -o json` for a workload rolled out with `replicas` ready (or `ready` of them). */
export function workloadJson(replicas = 1, ready = replicas): string {
  return JSON.stringify({
    metadata: { generation: 2 },
    spec: { replicas },
    status: {
      observedGeneration: 2,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      currentRevision: "r1",
      updateRevision: "r1",
    },
  });
}

/** A digest-pinned image reference: deploy expects it to exist and neither builds nor pushes it. */
const PINNED_IMAGE = `docker.io/library/busybox@sha256:${"ab".repeat(32)}`;

/** The service's images pinned by digest (tests that are not about image delivery). */
function pinnedImages(): Record<string, unknown> {
  return {
    faas: {
      frontend: { image: PINNED_IMAGE },
      middleware: { image: PINNED_IMAGE },
      executors: { images: { go: PINNED_IMAGE, javascript: PINNED_IMAGE, c: PINNED_IMAGE } },
    },
  };
}

/** A config override file for every environment: pinned images, plus `extra` per environment (merged). */
export function configWithPinnedImages(extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const cur = out[k];
      out[k] =
        cur && typeof cur === "object" && !Array.isArray(cur) && v && typeof v === "object" && !Array.isArray(v)
          ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return Object.fromEntries(["local", "ack-managed", "ack-dedicated"].map((e) => [e, merge(pinnedImages(), extra[e] ?? {})]));
}
