/**
 * Check 6: from a throwaway pod in the executor namespace, labelled and limited like an executor
 * (so the executors' NetworkPolicies apply to it), NATS, the frontend, the API server and the
 * internet are all unreachable. Only meaningful where the CNI enforces NetworkPolicy.
 */
import { factsOf } from "../../config/profiles";
import { componentLabels, COMPONENTS, LANGUAGE_LABEL } from "../../contracts/faas";
import { deleteProbe, startProbe } from "../probe";
import { type CheckSpec, fail, pass, skip, type VerifyContext } from "../types";

interface ServiceObject {
  spec?: { clusterIP?: string; ports?: { port: number }[] };
}
interface PodTemplate {
  template?: {
    metadata?: { labels?: Record<string, string> };
    spec?: {
      runtimeClassName?: string;
      securityContext?: object;
      activeDeadlineSeconds?: number;
      initContainers?: TemplateContainer[];
      containers?: TemplateContainer[];
    };
  };
}
interface TemplateContainer {
  image?: string;
  resources?: object;
  securityContext?: object;
}

/** A public address outside every cluster and VPC range (Cloudflare's resolver, HTTPS port). */
const INTERNET_TARGET = { host: "1.1.1.1", port: 443 } as const;

const MARKER = "CLUSTERKIT-PROBE ";

/** Node script: TCP connect to each target with a timeout, print one JSON line of outcomes. */
const PROBE_JS = `const net=require("net");const t=JSON.parse(process.env.TARGETS);const out={};let left=t.length;
for(const x of t){const s=net.connect({host:x.host,port:x.port});let over=false;
const end=(r)=>{if(over)return;over=true;out[x.name]=r;s.destroy();if(--left===0){console.log(${JSON.stringify(MARKER)}+JSON.stringify(out));process.exit(0);}};
s.setTimeout(4000,()=>end("timeout"));s.on("connect",()=>end("connected"));s.on("error",(e)=>end(e.code||"error"));}`;

async function serviceTarget(
  ctx: VerifyContext,
  name: string,
  namespace: string,
  label: string,
): Promise<{ name: string; host: string; port: number } | string> {
  const svc = await ctx.kubectl.getJson<ServiceObject>(["service", name, "-n", namespace]);
  const ip = svc?.spec?.clusterIP;
  const port = svc?.spec?.ports?.[0]?.port;
  if (!ip || ip === "None" || !port) return `Service ${namespace}/${name} not found`;
  return { name: label, host: ip, port };
}

export const isolationCheck: CheckSpec = {
  id: "isolation",
  title: "executor isolation: no NATS, frontend, API server or internet",
  explains:
    "Starts a throwaway pod in the executor namespace with an executor's labels, image, limits, runtime class and deadline (so the executors' NetworkPolicies and quota apply), which tries TCP connections to NATS, the frontend, the Kubernetes API server (Service addresses) and a public internet address. Passes when none connects. Skipped where the CNI does not enforce NetworkPolicy (Flannel), because then the isolation is not in effect.",
  async run(ctx) {
    const env = ctx.environment;
    const faas = env.config.faas;
    if (!faas.enabled) return skip("faas.enabled is false");
    if (!factsOf(env).cni.enforcesPolicy)
      return skip(
        "the CNI is flannel, which does not enforce NetworkPolicy: executor isolation is NOT in effect on this cluster (use calico locally or terway on ACK)",
      );

    const targets = [
      await serviceTarget(ctx, COMPONENTS.nats, faas.namespace, "nats"),
      await serviceTarget(ctx, COMPONENTS.frontend, faas.namespace, "frontend"),
      await serviceTarget(ctx, "kubernetes", "default", "api-server"),
      { name: "internet", ...INTERNET_TARGET },
    ];
    const missing = targets.filter((t): t is string => typeof t === "string");
    if (missing.length) return fail(missing[0]!, missing.slice(1));

    // The JavaScript executor's template: its image has node, and its settings are an executor's.
    const tpl = await ctx.kubectl.getJson<PodTemplate>(["podtemplate", "executor-javascript", "-n", faas.executorNamespace]);
    const spec = tpl?.template?.spec;
    // The container that runs the user's code (an init container in the run/report layout): its
    // image, limits and security settings are exactly what untrusted code gets.
    const container = spec?.initContainers?.[0] ?? spec?.containers?.[0];
    if (!spec || !container?.image) return fail(`PodTemplate ${faas.executorNamespace}/executor-javascript not found`);
    const token = ctx.token();
    const name = `clusterkit-verify-isolation-${token}`;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        namespace: faas.executorNamespace,
        labels: {
          ...componentLabels(COMPONENTS.executor),
          [LANGUAGE_LABEL]: "javascript",
          ...(tpl?.template?.metadata?.labels ?? {}),
          "clusterkit.io/verify-probe": "true",
        },
      },
      spec: {
        ...(spec.runtimeClassName ? { runtimeClassName: spec.runtimeClassName } : {}),
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        activeDeadlineSeconds: Math.min(spec.activeDeadlineSeconds ?? 120, 120),
        terminationGracePeriodSeconds: 1,
        securityContext: spec.securityContext,
        containers: [
          {
            name: "probe",
            image: container.image,
            imagePullPolicy: "IfNotPresent",
            command: ["node", "-e", PROBE_JS],
            env: [{ name: "TARGETS", value: JSON.stringify(targets) }],
            resources: container.resources,
            securityContext: container.securityContext,
          },
        ],
      },
    };
    let log = "";
    try {
      log = (await startProbe(ctx, pod, new RegExp(MARKER))).log;
    } catch (err) {
      return fail(`isolation probe: ${(err as Error).message}`);
    } finally {
      await deleteProbe(ctx.kubectl, faas.executorNamespace, name);
    }
    const line = log.split("\n").find((l) => l.startsWith(MARKER));
    if (!line) return fail("the isolation probe printed no result", [log.trim().split("\n").slice(-3).join(" | ")]);
    let outcomes: Record<string, string>;
    try {
      outcomes = JSON.parse(line.slice(MARKER.length)) as Record<string, string>;
    } catch {
      return fail("the isolation probe's result is not JSON", [line.slice(0, 200)]);
    }
    const list = targets.map((t) => (typeof t === "string" ? t : `${t.name} ${t.host}:${t.port} ${outcomes[t.name] ?? "no result"}`));
    const reached = targets.filter((t) => typeof t !== "string" && outcomes[t.name] === "connected").map((t) => (t as { name: string }).name);
    const unknown = targets.filter((t) => typeof t !== "string" && outcomes[t.name] === undefined).map((t) => (t as { name: string }).name);
    if (reached.length) return fail(`an executor-like pod reached ${reached.join(", ")}: the NetworkPolicy does not hold`, list, { outcomes });
    if (unknown.length) return fail(`the probe reported nothing for ${unknown.join(", ")}`, list, { outcomes });
    return pass(`unreachable from the executor namespace: ${list.join("; ")}`, [], { outcomes });
  },
};
