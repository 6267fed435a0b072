/**
 * Where users reach the apps: locally the MetalLB address of the LoadBalancer Service; on ACK the
 * public host names (webApp.host, the redirect URL's host), which must resolve to the ALB.
 */
import { factsOf } from "../config/profiles";
import { WEB_APP_NAME } from "../contracts/platform";
import type { VerifyContext } from "./types";

interface ServiceObject {
  spec?: { type?: string; ports?: { port: number }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export type Address = { readonly url: string } | { readonly problem: string };

async function loadBalancerUrl(ctx: VerifyContext, namespace: string, name: string): Promise<Address> {
  const svc = await ctx.kubectl.getJson<ServiceObject>(["service", name, "-n", namespace]);
  if (!svc) return { problem: `Service ${namespace}/${name} not found` };
  const ip = svc.status?.loadBalancer?.ingress?.[0]?.ip;
  if (!ip) return { problem: `Service ${namespace}/${name} has no LoadBalancer address (MetalLB did not assign one)` };
  const port = svc.spec?.ports?.[0]?.port ?? 80;
  return { url: `http://${ip}${port === 80 ? "" : `:${port}`}/` };
}

export async function webAddress(ctx: VerifyContext): Promise<Address> {
  const env = ctx.environment;
  const web = env.config.webApp;
  if (factsOf(env).exposure.kind === "loadBalancer") return loadBalancerUrl(ctx, web.namespace, WEB_APP_NAME);
  if (!web.host) return { problem: "webApp.host is not set: the ALB Ingress has no host to reach the web app by" };
  return { url: `${web.https ? "https" : "http"}://${web.host}/` };
}

export async function faasAddress(ctx: VerifyContext): Promise<Address> {
  const env = ctx.environment;
  const faas = env.config.faas;
  if (factsOf(env).exposure.kind === "loadBalancer") return loadBalancerUrl(ctx, faas.namespace, "oauth2-proxy");
  return { url: `${new URL(faas.oauth2Proxy.redirectUrl).origin}/` };
}
