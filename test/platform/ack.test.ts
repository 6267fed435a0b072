import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { NAS_CSI_DRIVER } from "../../charts/platform/ack-storage";
import { NAS_SERVER_PLACEHOLDER } from "../../src/contracts/stack-outputs";
import { allStrings, field, one, synthPlatform } from "./helpers";

for (const name of ["ack-managed", "ack-dedicated"] as const) {
  describe(`${name} platform`, () => {
    it("has no CNI, MetalLB or metrics-server objects (ACK ships them)", () => {
      const { charts, all } = synthPlatform(name);
      assert.deepEqual([...charts.keys()], ["40-storage", "50-web"]);
      const forbiddenKinds = new Set(["Installation", "APIServer", "IPAddressPool", "L2Advertisement", "APIService", "DaemonSet"]);
      assert.deepEqual(
        all.filter((o) => forbiddenKinds.has(o.kind)).map((o) => o.kind),
        [],
      );
      const names = all.flatMap((o) => [o.metadata?.name ?? "", o.metadata?.namespace ?? ""]);
      for (const n of names) assert.doesNotMatch(n, /flannel|calico|tigera|metallb|metrics-server/);
      assert.ok(!allStrings(all).some((s) => /flannel-io|metrics-server:|quay\.io\/metallb|calico\//.test(s)), "no CNI/LB/metrics images");
    });

    it("the NAS PV's server and path come from the stack outputs", () => {
      const { charts, ctx } = synthPlatform(name, {}, { nasServer: "0a1b2c3d4e-xyz12.eu-central-1.nas.aliyuncs.com", nasPath: "/share/web" });
      const pv = one(charts.get("40-storage")!, "PersistentVolume", "web-content");
      assert.equal(field(pv, "spec.csi.driver"), NAS_CSI_DRIVER);
      assert.equal(field(pv, "spec.csi.volumeAttributes.server"), "0a1b2c3d4e-xyz12.eu-central-1.nas.aliyuncs.com");
      assert.equal(field(pv, "spec.csi.volumeAttributes.path"), "/share/web");
      assert.equal(field(pv, "spec.csi.volumeHandle"), pv.metadata?.name);
      assert.deepEqual(field(pv, "spec.mountOptions"), ["nolock,tcp,noresvport", "vers=3"]);
      assert.deepEqual(field(pv, "spec.accessModes"), ["ReadWriteMany"]);
      assert.ok(!ctx.warnings.some((w) => w.includes("nas_server")), ctx.warnings.join("\n"));
    });

    it("before deployment the server is the marked placeholder (no warning: deploy fills it in); a deployed stack without the output warns", () => {
      const { charts, ctx } = synthPlatform(name);
      const pv = one(charts.get("40-storage")!, "PersistentVolume", "web-content");
      assert.equal(field(pv, "spec.csi.volumeAttributes.server"), NAS_SERVER_PLACEHOLDER);
      assert.match(NAS_SERVER_PLACEHOLDER, /\.invalid$/, "a name that can never resolve");
      assert.equal(field(pv, "spec.csi.volumeAttributes.path"), "/", "path falls back to config.nas.path");
      assert.deepEqual(
        ctx.warnings.filter((w) => w.includes("nas_server")),
        [],
      );
      const deployed = synthPlatform(name, {}, {});
      assert.ok(
        deployed.ctx.warnings.some((w) => w.startsWith(`${name}: nas: `) && w.includes("nas_server") && w.includes(NAS_SERVER_PLACEHOLDER)),
        deployed.ctx.warnings.join("\n"),
      );
    });

    it("the web app sits behind an ALB Ingress for the configured host, on a ClusterIP Service (Terway)", () => {
      const { charts } = synthPlatform(name, { webApp: { host: "demo.example.org" } });
      const web = charts.get("50-web")!;
      const ing = one(web, "Ingress", "web");
      assert.equal(field(ing, "spec.ingressClassName"), "alb");
      const rules = field<{ host?: string; http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[]>(ing, "spec.rules");
      assert.equal(rules.length, 1);
      assert.equal(rules[0]!.host, "demo.example.org");
      const backend = rules[0]!.http.paths[0]!.backend.service;
      const svc = one(web, "Service", backend.name);
      assert.equal(field(svc, "spec.type"), "ClusterIP");
      assert.ok(field<{ port: number }[]>(svc, "spec.ports").some((p) => p.port === backend.port.number));
    });

    it("serves the host over HTTPS by default (both ALB listeners, HTTP redirected, certificate found by host), plain HTTP when turned off", () => {
      const tls = synthPlatform(name, { webApp: { host: "demo.acme.io" } }).charts.get("50-web")!;
      const ing = one(tls, "Ingress", "web");
      assert.deepEqual(field(ing, "spec.tls"), [{ hosts: ["demo.acme.io"] }]);
      const annotations = field<Record<string, string>>(ing, "metadata.annotations");
      assert.deepEqual(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"]!), [{ HTTP: 80 }, { HTTPS: 443 }]);
      assert.equal(annotations["alb.ingress.kubernetes.io/ssl-redirect"], "true");
      assert.equal(annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/healthz", "health check kept");
      const plain = one(synthPlatform(name, { webApp: { host: "demo.acme.io", https: false } }).charts.get("50-web")!, "Ingress", "web");
      assert.equal(field(plain, "spec.tls"), undefined);
      assert.equal(field<Record<string, string>>(plain, "metadata.annotations")["alb.ingress.kubernetes.io/listen-ports"], undefined);
    });

    it("with Flannel the ALB backend is a NodePort Service (ALB cannot reach pod IPs)", () => {
      const { charts } = synthPlatform(name, { cluster: { cni: "flannel" } });
      assert.equal(field(one(charts.get("50-web")!, "Service", "web"), "spec.type"), "NodePort");
    });
  });
}
