/** Check 1: nodes Ready, the CNI's node agents and CoreDNS up, MetalLB addresses assigned (local). */
import { factsOf } from "../../config/profiles";
import { FLANNEL_DAEMONSET, FLANNEL_NAMESPACE } from "../../contracts/platform";
import { WEB_APP_NAME } from "../../contracts/platform";
import { parseIp } from "../../config/ipv4";
import { expectedNodes } from "../../deploy/expected-nodes";
import { type CheckSpec, fail, pass, type VerifyContext } from "../types";

interface DaemonSetObject {
  status?: { desiredNumberScheduled?: number; numberReady?: number };
}
interface DeploymentObject {
  spec?: { replicas?: number };
  status?: { availableReplicas?: number };
}
interface ServiceObject {
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

/** The DaemonSet that runs the CNI on every node. */
export function cniDaemonSet(ctx: VerifyContext): { namespace: string; name: string; cni: string } {
  const facts = factsOf(ctx.environment);
  const cni = facts.cni.name;
  if (cni === "calico") return { namespace: "calico-system", name: "calico-node", cni };
  if (cni === "terway") return { namespace: "kube-system", name: "terway-eniip", cni };
  // Our flannel chart installs into its own namespace; ACK's lives in kube-system.
  return { namespace: facts.installsCni ? FLANNEL_NAMESPACE : "kube-system", name: FLANNEL_DAEMONSET, cni };
}

export const clusterCheck: CheckSpec = {
  id: "cluster",
  title: "nodes, CNI, CoreDNS, load balancer addresses",
  explains:
    "Every node the environment defines is Ready; the CNI's DaemonSet (calico-node, kube-flannel-ds or terway-eniip) is ready on every node; CoreDNS is available; locally, MetalLB gave the web app and oauth2-proxy an address from its pool.",
  async run(ctx) {
    const problems: string[] = [];
    const seen: string[] = [];
    const want = expectedNodes(ctx.environment);
    const { nodes, error } = await ctx.kubectl.nodes();
    const ready = nodes.filter((n) => n.ready);
    if (error) problems.push(`cannot list nodes: ${error.split("\n")[0]}`);
    else if (ready.length < want || ready.length < nodes.length)
      problems.push(
        `nodes Ready ${ready.length}/${Math.max(want, nodes.length)}: not Ready ${
          nodes
            .filter((n) => !n.ready)
            .map((n) => n.name)
            .join(", ") || "(missing nodes)"
        }`,
      );
    seen.push(`nodes Ready ${ready.length}/${Math.max(want, nodes.length)}`);

    const cni = cniDaemonSet(ctx);
    const ds = await ctx.kubectl.getJson<DaemonSetObject>(["daemonset", cni.name, "-n", cni.namespace]);
    const dsReady = ds?.status?.numberReady ?? 0;
    const dsWant = ds?.status?.desiredNumberScheduled ?? 0;
    if (!ds) problems.push(`CNI DaemonSet ${cni.namespace}/${cni.name} not found`);
    else if (dsWant === 0 || dsReady < dsWant) problems.push(`${cni.name} ready on ${dsReady}/${dsWant} nodes`);
    seen.push(`${cni.name} ${dsReady}/${dsWant}`);

    const dns = await ctx.kubectl.getJson<DeploymentObject>(["deployment", "coredns", "-n", "kube-system"]);
    const dnsAvailable = dns?.status?.availableReplicas ?? 0;
    const dnsWant = dns?.spec?.replicas ?? 0;
    if (!dns) problems.push("Deployment kube-system/coredns not found");
    else if (dnsAvailable < 1 || dnsAvailable < dnsWant) problems.push(`CoreDNS available ${dnsAvailable}/${dnsWant}`);
    seen.push(`CoreDNS ${dnsAvailable}/${dnsWant}`);

    const env = ctx.environment;
    if (env.kind === "local") {
      const start = parseIp(env.config.metallb.addressStart)!;
      const end = parseIp(env.config.metallb.addressEnd)!;
      const services: [string, string][] = [];
      if (env.config.webApp.enabled) services.push([env.config.webApp.namespace, WEB_APP_NAME]);
      if (env.config.faas.enabled) services.push([env.config.faas.namespace, "oauth2-proxy"]);
      for (const [ns, name] of services) {
        const svc = await ctx.kubectl.getJson<ServiceObject>(["service", name, "-n", ns]);
        const ip = svc?.status?.loadBalancer?.ingress?.[0]?.ip;
        const n = ip ? parseIp(ip) : undefined;
        if (!ip || n === undefined) problems.push(`Service ${ns}/${name} has no MetalLB address`);
        else if (n < start || n > end)
          problems.push(`Service ${ns}/${name} got ${ip}, outside the MetalLB pool ${env.config.metallb.addressStart}-${env.config.metallb.addressEnd}`);
        else seen.push(`${ns}/${name} ${ip}`);
      }
    }
    return problems.length
      ? fail(problems[0]!, problems.slice(1), { cni: cni.cni })
      : pass(seen.join(", "), [], { cni: cni.cni, nodes: nodes.map((n) => n.name) });
  },
};
