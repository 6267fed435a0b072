/**
 * Throwaway probe pods: created from a full Pod object on kubectl's stdin, watched until a marker
 * line appears in their log (or they finish), and always deleted. Each check builds its pod
 * restricted-compliant with a deadline, so a probe left behind by a killed verify still ends.
 */
import type { Kubectl } from "../deploy/kubectl";
import { done, notYet, waitUntil } from "../deploy/retry";
import type { VerifyContext } from "./types";

export interface ProbeRun {
  /** The pod's log when the marker appeared (or when it finished). */
  readonly log: string;
  readonly phase: string;
}

interface PodStatus {
  status?: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
}

const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";

export async function startProbe(ctx: VerifyContext, pod: { metadata: { name: string; namespace: string } }, marker: RegExp): Promise<ProbeRun> {
  const { name, namespace } = pod.metadata;
  const created = await ctx.kubectl.run(["create", "-f", "-"], JSON.stringify(pod));
  if (created.code !== 0) throw new Error(`creating probe pod ${namespace}/${name} failed: ${firstLine(created.stderr || created.stdout)}`);
  ctx.reporter.progress(`probe pod ${namespace}/${name} created`);
  return waitUntil(
    `probe pod ${namespace}/${name}`,
    {
      attempts: Math.max(1, Math.ceil(ctx.policies.probe.timeoutMs / ctx.policies.probe.pollMs)),
      intervalMs: ctx.policies.probe.pollMs,
      timeoutMs: ctx.policies.probe.timeoutMs,
    },
    async () => {
      const status = await ctx.kubectl.getJson<PodStatus>(["pod", name, "-n", namespace]);
      const phase = status?.status?.phase ?? "Unknown";
      const waiting = status?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (phase === "Pending" && waiting && /ImagePull|ErrImage|CreateContainer/.test(waiting))
        throw new Error(`probe pod ${namespace}/${name} cannot start: ${waiting}`);
      if (phase === "Running" || phase === "Succeeded" || phase === "Failed") {
        const logs = await ctx.kubectl.run(["logs", "-n", namespace, name]);
        if (logs.code === 0 && marker.test(logs.stdout)) return done({ log: logs.stdout, phase });
        if (phase !== "Running") return done({ log: logs.stdout, phase });
      }
      return notYet(`phase ${phase}${waiting ? ` (${waiting})` : ""}`);
    },
    { clock: ctx.clock, onProgress: (s) => ctx.reporter.progress(`probe ${namespace}/${name}: ${s}`) },
  );
}

/** Deletes a probe pod (its TERM trap cleans up what it wrote); never throws. */
export async function deleteProbe(kubectl: Kubectl, namespace: string, name: string): Promise<void> {
  await kubectl.run(["delete", "pod", name, "-n", namespace, "--ignore-not-found", "--wait=true", "--timeout=60s"]).catch(() => undefined);
}

/** Pod-level and container-level settings every probe shares (Pod Security `restricted`). */
export function restrictedProbeSpec(uid: number) {
  return {
    pod: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Never",
      terminationGracePeriodSeconds: 10,
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
    },
    container: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
  };
}
