/**
 * Check 2: the web app answers through its external address, from at least two pods, and the page
 * comes from the shared NFS/NAS volume: a probe pod writes a file with a random token onto the
 * volume, the check reads it back through the Service, and the probe's exit removes the file.
 */
import { SERVED_BY_HEADER, WEB_ROOT } from "../../contracts/platform";
import { WEB_CONTENT_VOLUME } from "../../contracts/platform";
import { IMAGES } from "../../config/images";
import { webAddress } from "../addresses";
import { header } from "../http";
import { deleteProbe, restrictedProbeSpec, startProbe } from "../probe";
import { type CheckSpec, fail, pass, skip, type VerifyContext } from "../types";

/** The demo pods' own user (nginx-unprivileged and the seed container run as it too). */
const PROBE_UID = 101;

/** Sends `count` requests, one connection each; returns the serving pods and the failures. */
async function sample(ctx: VerifyContext, url: string, count: number): Promise<{ pods: Map<string, number>; failures: string[] }> {
  const pods = new Map<string, number>();
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const res = await ctx.http({ method: "GET", url, timeoutMs: 10_000 });
      if (res.status !== 200) failures.push(`HTTP ${res.status}`);
      const pod = header(res, SERVED_BY_HEADER);
      if (pod) pods.set(pod, (pods.get(pod) ?? 0) + 1);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  return { pods, failures };
}

function volumeProbePod(namespace: string, name: string, file: string, token: string) {
  const spec = restrictedProbeSpec(PROBE_UID);
  // Writes the token, says so, and removes the file when deleted (TERM) or after 150 s at most.
  const script = `set -eu; f="${WEB_ROOT}/${file}"; printf '%s' "$TOKEN" > "$f"; trap 'rm -f "$f"; exit 0' TERM INT; echo clusterkit-probe-written; i=0; while [ "$i" -lt 150 ]; do sleep 1; i=$((i+1)); done; rm -f "$f"`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { "app.kubernetes.io/name": "clusterkit-verify-probe", "app.kubernetes.io/part-of": "clusterkit-verify" } },
    spec: {
      ...spec.pod,
      activeDeadlineSeconds: 180,
      containers: [
        {
          name: "probe",
          image: IMAGES.phpFpm,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", script],
          env: [{ name: "TOKEN", value: token }],
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
          securityContext: spec.container,
          volumeMounts: [{ name: "content", mountPath: WEB_ROOT }],
        },
      ],
      volumes: [{ name: "content", persistentVolumeClaim: { claimName: WEB_CONTENT_VOLUME } }],
    },
  };
}

export const webCheck: CheckSpec = {
  id: "web",
  title: "web app: external address, several pods, page from the shared volume",
  explains:
    "Requests the web app through its external address (MetalLB locally, the ALB host on ACK), one connection each, and needs answers from at least two different pods (X-Served-By). Then a throwaway restricted pod writes a file with a random token onto the NFS/NAS volume, and the check reads that file back through the Service: the served content is the shared volume's.",
  async run(ctx) {
    const web = ctx.environment.config.webApp;
    if (!web.enabled) return skip("webApp.enabled is false");
    const addr = await webAddress(ctx);
    if ("problem" in addr) return fail(addr.problem);
    ctx.reporter.progress(`requesting ${addr.url} ${ctx.policies.webRequests} times`);
    const { pods, failures } = await sample(ctx, addr.url, ctx.policies.webRequests);
    const served = [...pods.entries()].map(([p, n]) => `${p} ×${n}`);
    const problems: string[] = [];
    if (failures.length) problems.push(`${failures.length}/${ctx.policies.webRequests} requests failed (${[...new Set(failures)].slice(0, 3).join("; ")})`);
    if (pods.size < 2)
      problems.push(
        `answers came from ${pods.size} pod${pods.size === 1 ? "" : "s"} only (${served.join(", ") || "none named"}); expected at least 2 (minReplicas ${web.hpa.minReplicas}, spread over nodes)`,
      );

    const token = ctx.token();
    const file = `clusterkit-verify-${token}.txt`;
    const name = `clusterkit-verify-volume-${token}`;
    let volume = "not checked";
    try {
      await startProbe(ctx, volumeProbePod(web.namespace, name, file, token), /clusterkit-probe-written/);
      const res = await ctx.http({ method: "GET", url: new URL(file, addr.url).toString() });
      const body = res.body.toString("utf8");
      if (res.status === 200 && body === token) volume = `probe file ${file} written on the volume was served back`;
      else
        problems.push(
          `the probe file written on the shared volume was not served back (HTTP ${res.status}${res.status === 200 ? `, body ${JSON.stringify(body.slice(0, 40))}` : ""})`,
        );
    } catch (err) {
      problems.push(`volume probe: ${(err as Error).message}`);
    } finally {
      await deleteProbe(ctx.kubectl, web.namespace, name);
    }
    const data = { url: addr.url, pods: Object.fromEntries(pods), failures: failures.length };
    return problems.length
      ? fail(problems[0]!, [...problems.slice(1), `pods seen: ${served.join(", ") || "none"}`], data)
      : pass(`${pods.size} pods answered ${addr.url} (${served.join(", ")}); ${volume}`, [], data);
  },
};
