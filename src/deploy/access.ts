/** The closing summary: where the kubeconfig is and how to reach the workload. */
import type { Environment } from "../config/schema";
import type { Kubectl } from "./kubectl";
import { ingressListSchema, serviceListSchema } from "./kubectl-json";

export async function accessSummary(environment: Environment, kubectl: Kubectl, kubeconfigRelative: string): Promise<string[]> {
  const k = `kubectl --kubeconfig ${kubeconfigRelative}`;
  const lines = [`kubeconfig: ${kubeconfigRelative}   (export KUBECONFIG=$PWD/${kubeconfigRelative})`];
  if (environment.kind === "local") {
    const svcs = (await kubectl.getJson(["svc", "-A"], serviceListSchema))?.items ?? [];
    const faas = environment.config.faas;
    const redirect = faas.enabled ? new URL(faas.oauth2Proxy.redirectUrl) : undefined;
    const proxy = faas.enabled ? svcs.find((s) => s.metadata.namespace === faas.namespace && s.metadata.name.includes("oauth2-proxy")) : undefined;
    // With a localhost redirect URL the OAuth provider sends the browser back to localhost, so a
    // login through the MetalLB address cannot complete: offer only the port-forward for it. Local
    // users sign in on oauth2-proxy's own form, which works at any address.
    const providerLogin = faas.enabled && faas.oauth2Proxy.signIn === "provider";
    const proxyViaPortForward = providerLogin && proxy !== undefined && redirect !== undefined && ["localhost", "127.0.0.1"].includes(redirect.hostname);
    const lbs = svcs.filter((s) => s.spec.type === "LoadBalancer" && !(proxyViaPortForward && s === proxy));
    for (const s of lbs) {
      const addr = s.status?.loadBalancer?.ingress?.[0]?.ip;
      const port = s.spec.ports?.[0]?.port ?? 80;
      lines.push(
        addr
          ? `${s.metadata.namespace}/${s.metadata.name}: http://${addr}${port === 80 ? "" : `:${port}`}/`
          : `${s.metadata.namespace}/${s.metadata.name}: no LoadBalancer IP yet; check \`${k} -n metallb-system get pods\`, or use \`${k} -n ${s.metadata.namespace} port-forward svc/${s.metadata.name} 8080:${port}\``,
      );
    }
    if (proxyViaPortForward) {
      const localPort = redirect.port || "80";
      lines.push(
        `code execution: \`${k} -n ${faas.namespace} port-forward svc/${proxy.metadata.name} ${localPort}:${proxy.spec.ports?.[0]?.port ?? 80}\`, then open ${redirect.protocol}//${redirect.host}/ (login needs this address: the redirect URL is ${redirect.origin})`,
      );
    }
    if (lines.length === 1) lines.push(`no LoadBalancer Service found; list Services with \`${k} get svc -A\``);
  } else {
    const ings = (await kubectl.getJson(["ingress", "-A"], ingressListSchema))?.items ?? [];
    for (const i of ings) {
      const lb = i.status?.loadBalancer?.ingress?.[0];
      const addr = lb?.hostname ?? lb?.ip;
      const host = i.spec?.rules?.[0]?.host;
      const scheme = i.spec?.tls?.length ? "https" : "http";
      lines.push(
        addr
          ? `${i.metadata.namespace}/${i.metadata.name}: ALB ${addr}${host ? `; point DNS for ${host} at it (CNAME), then open ${scheme}://${host}/ (test now: curl -H 'Host: ${host}' http://${addr}/)` : `; open http://${addr}/`}`
          : `${i.metadata.namespace}/${i.metadata.name}: the ALB has no address yet; check \`${k} -n ${i.metadata.namespace} describe ingress ${i.metadata.name}\` in a minute`,
      );
    }
    if (lines.length === 1) lines.push(`no Ingress found; list them with \`${k} get ingress -A\``);
  }
  return lines;
}
