/**
 * Ports: what the nodes listen on (rendered cloud-init) is what everything else connects to — the
 * API server port in kubeadm's config, the discovery kubeconfig, the stack's endpoint output and the
 * workload's NetworkPolicy; the registry port in docker-registry's config, containerd's hosts.toml on
 * every node, the image references in the manifests and deploy's push target.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { parse } from "yaml";
import { LOCAL_OUTPUTS } from "../../src/contracts/stack-outputs";
import { deliveryTarget } from "../../src/deploy/images";
import { DISCOVERY_KUBECONFIG, KUBEADM_INIT_CONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { CONTAINERD_CERTS_DIR, REGISTRY_CONFIG } from "../../stacks/local/cloud-init/registry";
import { localSides, localTerraform, nodeFile, nodeYaml, podSpecs } from "./sides";

const portOf = (url: string) => Number(new URL(url).port);

describe("ports: local nodes ↔ stack outputs, manifests and deploy", () => {
  const sides = localSides();
  const cp = sides.nodes.find((n) => n.role === "control-plane")!;
  const workers = sides.nodes.filter((n) => n.role === "worker");
  const nfs = sides.nodes.find((n) => n.role === "nfs")!;
  const cpIp = sides.env.config.controlPlane.ip;

  it("the API server listens where the workers, the stack's endpoint and the NetworkPolicies connect", () => {
    const init = nodeYaml(cp.userData, KUBEADM_INIT_CONFIG).find((d) => d.kind === "InitConfiguration") as { localAPIEndpoint: { bindPort: number } };
    const port = init.localAPIEndpoint.bindPort;
    assert.ok(port > 0);
    for (const w of workers) {
      const discovery = parse(nodeFile(w.userData, DISCOVERY_KUBECONFIG)!) as { clusters: { cluster: { server: string } }[] };
      assert.equal(portOf(discovery.clusters[0]!.cluster.server), port, `${w.name} joins through the discovery kubeconfig`);
    }
    const endpoint = localTerraform().output[LOCAL_OUTPUTS.api_endpoint]!.value as string;
    assert.equal(portOf(endpoint), port, "the api_endpoint output");
    const egress = sides.manifests
      .filter((o) => o.kind === "NetworkPolicy")
      .flatMap((o) => (o.spec as { egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[] }).egress ?? [])
      .filter((rule) => rule.to?.some((t) => t.ipBlock?.cidr === `${cpIp}/32`));
    assert.ok(egress.length > 0, "the middleware may reach the API server");
    for (const rule of egress)
      assert.deepEqual(
        rule.ports?.map((p) => p.port),
        [port],
      );
  });

  it("the registry listens where containerd pulls, the manifests' images point and deploy pushes", () => {
    const config = parse(nodeFile(nfs.userData, REGISTRY_CONFIG)!) as { http: { addr: string } };
    const listen = config.http.addr;
    assert.match(listen, /^[\d.]+:\d+$/);
    for (const n of [cp, ...workers]) {
      const hosts = n.userData.write_files.filter((f) => f.path.startsWith(`${CONTAINERD_CERTS_DIR}/`)).map((f) => f.path.split("/")[4]);
      assert.deepEqual(hosts, [listen], `${n.name}: containerd's registry hosts`);
    }
    const built = podSpecs(sides.manifests)
      .flatMap((p) => [...((p.spec.containers as { image: string }[]) ?? []), ...((p.spec.initContainers as { image: string }[]) ?? [])])
      .map((c) => c.image)
      .filter((i) => i.includes("/clusterkit/"));
    assert.ok(built.length >= 3, "the workload runs the images this repository builds");
    for (const image of built) assert.ok(image.startsWith(`${listen}/`), `${image} is pulled from ${listen}`);
    assert.equal(new URL(deliveryTarget(sides.env).baseUrl).host, listen, "deploy pushes there");
  });
});
