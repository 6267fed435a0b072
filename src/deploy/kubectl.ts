/** kubectl against the environment's kubeconfig; every call goes through the injectable runner. */
import type { z } from "zod";
import { nodeListSchema, parseKubectlJson } from "./kubectl-json";
import type { RunResult, Runner } from "./runner";

/** Longest any single kubectl call may take (a `kubectl wait` call sets its own, longer limit). */
const KUBECTL_CALL_LIMIT_MS = 120_000;

export interface NodeStatus {
  readonly name: string;
  readonly ready: boolean;
}

export class Kubectl {
  constructor(
    private readonly runner: Runner,
    /** Absolute path of the kubeconfig Terraform wrote. */
    readonly kubeconfig: string,
  ) {}

  /**
   * Every call has a hard limit, so an unreachable API server cannot hang a wait forever; the
   * bounded retries around the calls decide when to give up.
   */
  run(args: readonly string[], input?: string, timeoutMs = KUBECTL_CALL_LIMIT_MS): Promise<RunResult> {
    return this.runner.run("kubectl", ["--kubeconfig", this.kubeconfig, ...args], { timeoutMs, ...(input === undefined ? {} : { input }) });
  }

  /** The API server's aggregated readiness (`/readyz` answers `ok`). */
  readyz(): Promise<RunResult> {
    return this.run(["get", "--raw", "/readyz", "--request-timeout=10s"]);
  }

  async nodes(): Promise<{ nodes: NodeStatus[]; error?: string }> {
    const r = await this.run(["get", "nodes", "-o", "json", "--request-timeout=20s"]);
    if (r.code !== 0) return { nodes: [], error: r.stderr.trim() || `exit ${r.code}` };
    // A proxy or a half-started API server can answer with something that is not a NodeList: that
    // is one more "not yet" for the wait, not a crash. (A node list holds no secrets: its first
    // line may be shown, cut short.)
    let raw: unknown;
    try {
      raw = JSON.parse(r.stdout);
    } catch {
      return {
        nodes: [],
        error: `unexpected output from kubectl get nodes (not JSON): ${JSON.stringify(r.stdout.trim().split("\n")[0]?.slice(0, 120) || "(empty)").slice(1, -1)}`,
      };
    }
    const list = nodeListSchema.safeParse(raw);
    if (!list.success) return { nodes: [], error: "unexpected output from kubectl get nodes (no item list)" };
    return {
      nodes: list.data.items.map((n) => ({
        name: n.metadata?.name ?? "(unnamed)",
        ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      })),
    };
  }

  /**
   * Server-side apply for objects too large for the last-applied annotation (Calico CRDs);
   * `--force-conflicts` keeps a re-run working when a field was last set by another apply.
   */
  applyFile(file: string, serverSide: boolean): Promise<RunResult> {
    return this.run(serverSide ? ["apply", "--server-side", "--force-conflicts", "-f", file] : ["apply", "-f", file]);
  }

  /** Applies objects given on stdin (server-side, so no last-applied annotation copies Secret data). */
  applyStdin(manifest: string): Promise<RunResult> {
    return this.run(["apply", "--server-side", "--force-conflicts", "--field-manager=clusterkit-deploy", "-f", "-"], manifest);
  }

  waitCrdEstablished(name: string, timeoutSeconds: number): Promise<RunResult> {
    return this.run(["wait", "--for=condition=Established", `crd/${name}`, `--timeout=${timeoutSeconds}s`], undefined, (timeoutSeconds + 30) * 1000);
  }

  waitDeploymentAvailable(namespace: string, name: string, timeoutSeconds: number): Promise<RunResult> {
    return this.run(
      ["-n", namespace, "wait", "--for=condition=Available", `deploy/${name}`, `--timeout=${timeoutSeconds}s`],
      undefined,
      (timeoutSeconds + 30) * 1000,
    );
  }

  /**
   * `kubectl get <args> -o json`, parsed and checked against `schema`; undefined when the call fails
   * or the answer does not fit (never a throw). Without a schema the parsed JSON is returned
   * unchecked: its reader must check every field itself. @default no schema
   */
  async getJson<T>(args: readonly string[], schema?: z.ZodType<T>): Promise<T | undefined> {
    const r = await this.run(["get", ...args, "-o", "json", "--request-timeout=20s"]);
    if (r.code !== 0) return undefined;
    if (schema) return parseKubectlJson(r.stdout, schema);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      return undefined;
    }
  }
}
