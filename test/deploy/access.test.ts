/** The closing summary offers, for oauth2-proxy, only an address at which the OAuth login can complete. */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import { environments } from "../../src/config/load";
import { accessSummary } from "../../src/deploy/access";
import { Kubectl } from "../../src/deploy/kubectl";
import { fakeRunner, kubectlArgs } from "./fakes";

const SERVICES = JSON.stringify({
  items: [
    {
      metadata: { name: "web", namespace: "web" },
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: "192.168.60.200" }] } },
    },
    {
      metadata: { name: "oauth2-proxy", namespace: "faas" },
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: "192.168.60.201" }] } },
    },
  ],
});

async function summary(redirectUrl: string, signIn: "provider" | "local-users" = "provider"): Promise<string[]> {
  const configs = defaultConfigs();
  configs.local = { ...configs.local, faas: { ...configs.local.faas, oauth2Proxy: { ...configs.local.faas.oauth2Proxy, redirectUrl, signIn } } };
  const env = environments(configs).find((e) => e.name === "local")!;
  const kubectl = new Kubectl(
    fakeRunner((c) => (kubectlArgs(c)[1] === "svc" ? { stdout: SERVICES } : undefined)),
    "/k",
  );
  return accessSummary(env, kubectl, "state/local/kubeconfig");
}

describe("access summary (local)", () => {
  it("local users (the default): the MetalLB address works, since the sign-in form needs no redirect", async () => {
    const lines = await summary("http://localhost:8087/oauth2/callback", "local-users");
    assert.ok(lines.includes("faas/oauth2-proxy: http://192.168.60.201/"), lines.join("\n"));
    assert.ok(!lines.some((l) => l.includes("port-forward")));
  });

  it("provider sign-in, localhost redirect URL: the port-forward for oauth2-proxy, the MetalLB address for the web app only", async () => {
    const lines = await summary("http://localhost:8087/oauth2/callback");
    assert.ok(lines.includes("web/web: http://192.168.60.200/"));
    assert.ok(!lines.some((l) => l.includes("192.168.60.201")), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("port-forward svc/oauth2-proxy 8087:80") && l.includes("then open http://localhost:8087/")));
  });

  it("a redirect URL on the MetalLB address: that address, and no port-forward", async () => {
    const lines = await summary("http://192.168.60.201/oauth2/callback");
    assert.ok(lines.includes("faas/oauth2-proxy: http://192.168.60.201/"), lines.join("\n"));
    assert.ok(!lines.some((l) => l.includes("port-forward")));
  });
});
