import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { allowedEdges, canReach, dnsEndpoint, type Endpoint, ipEndpoint, networkModel, workloadEndpoints } from "../../src/analysis/reachability";
import { hostAddress, parseCidr } from "../../src/config/ipv4";
import { ackEnvironment, environment, localEnvironment, synthFaas } from "./fixtures";

const OUTSIDE_IP = "203.0.113.10";

/** Endpoints and model computed from the synthesized NetworkPolicies of one environment. */
function analyse(env: ReturnType<typeof environment>, apiServer: string[]) {
  const { all } = synthFaas(env);
  const podCidrs = env.kind === "local" ? [env.config.kubernetes.podCidr] : [env.config.kubernetes.podCidr, env.config.network.vpcCidr];
  const model = networkModel(all, { podCidrs });
  const workloads = workloadEndpoints(all);
  const byName = (n: string) => {
    const e = workloads.find((w) => w.name === n);
    if (!e) throw new Error(`no workload ${n}`);
    return e;
  };
  const api = apiServer.map((a, i) => ipEndpoint(`apiserver-${i}`, a));
  const outside = ipEndpoint("outside", OUTSIDE_IP, [{ port: 443 }, { port: 80 }]);
  const endpoints: Endpoint[] = [...workloads, dnsEndpoint(), outside, ...api];
  return { model, byName, api, outside, dns: dnsEndpoint(), endpoints, workloads };
}

describe("faas NetworkPolicies (local, Calico)", () => {
  const env = localEnvironment();
  const serviceIp = hostAddress(parseCidr(env.config.kubernetes.serviceCidr)!, 1);
  const a = analyse(env, [`${env.config.controlPlane.ip}:6443`, `${serviceIp}:443`]);
  const executors = ["executor-go", "executor-javascript", "executor-c"].map(a.byName);
  const [oauth, frontend, middleware, nats] = ["oauth2-proxy", "frontend", "middleware", "nats"].map(a.byName) as [Endpoint, Endpoint, Endpoint, Endpoint];

  it("lets each faas component open exactly the connections of the design", () => {
    const ours = new Set(a.workloads.map((w) => w.name));
    const edges = allowedEdges(a.model, a.endpoints, { selfEdges: true })
      .filter((e) => ours.has(e.from))
      .map((e) => `${e.from} -> ${e.to}:${e.port}/${e.protocol}`);
    const dns = (from: string) => [`${from} -> dns:53/UDP`, `${from} -> dns:53/TCP`];
    assert.deepEqual(
      edges.sort(),
      [
        "nats -> nats:6222/TCP",
        ...dns("nats"),
        "middleware -> nats:4222/TCP",
        ...dns("middleware"),
        "middleware -> apiserver-0:6443/TCP",
        "middleware -> apiserver-1:443/TCP",
        "frontend -> nats:4222/TCP",
        ...dns("frontend"),
        "oauth2-proxy -> frontend:3000/TCP",
        ...dns("oauth2-proxy"),
        "oauth2-proxy -> outside:443/TCP",
        // Executors and the image pre-pull DaemonSet: nothing at all.
      ].sort(),
    );
  });

  it("admits the outside only to oauth2-proxy", () => {
    const reached = allowedEdges(a.model, a.endpoints).filter((e) => e.from === "outside" && a.workloads.some((w) => w.name === e.to));
    assert.deepEqual(
      reached.map((e) => `${e.to}:${e.port}`),
      ["oauth2-proxy:4180"],
    );
    assert.equal(canReach(a.model, a.outside, frontend, env.config.faas.frontend.port), false);
    assert.equal(canReach(a.model, a.outside, nats, 4222), false);
  });

  it("lets executors reach nothing (NATS and DNS included) and nothing reach them", () => {
    const inNamespace = a.workloads.filter((w) => w.kind === "pod" && w.namespace === env.config.faas.executorNamespace);
    assert.deepEqual(inNamespace.map((w) => w.name).sort(), ["executor-c", "executor-go", "executor-image-prepull", "executor-javascript"]);
    // Every port of every endpoint, plus the ports an escape would try.
    const probePorts = [53, 80, 443, 4222, 6222, 6443, 8080, 8222, env.config.faas.frontend.port, 4180];
    for (const ex of inNamespace) {
      for (const to of a.endpoints.filter((e) => e.name !== ex.name)) {
        for (const port of [...new Set([...probePorts, ...("ports" in to ? to.ports.map((p) => p.port) : [])])]) {
          for (const proto of ["TCP", "UDP"] as const) {
            assert.equal(canReach(a.model, ex, to, port, proto), false, `${ex.name} -> ${to.name}:${port}/${proto}`);
            assert.equal(canReach(a.model, to, ex, port, proto), false, `${to.name} -> ${ex.name}:${port}/${proto}`);
          }
        }
      }
    }
    assert.equal(canReach(a.model, executors[0]!, executors[1]!, 8080), false, "executors cannot reach each other");
    assert.equal(canReach(a.model, executors[0]!, a.dns, 53, "UDP"), false, "not even DNS");
    assert.equal(canReach(a.model, executors[0]!, nats, 4222), false, "executors hold no NATS credentials and have no path to NATS");
    assert.equal(canReach(a.model, oauth, middleware, env.config.faas.middleware.port), false);
  });

  it("gives the API server to the middleware only", () => {
    for (const api of a.api) {
      assert.equal(canReach(a.model, middleware, api, api.ports[0]!.port), true, `middleware -> ${api.ip}`);
      for (const other of [frontend, oauth, nats]) assert.equal(canReach(a.model, other, api, api.ports[0]!.port), false, `${other.name} -> ${api.ip}`);
    }
  });

  it("denies the middleware the internet and the frontend", () => {
    assert.equal(canReach(a.model, middleware, a.outside, 443), false);
    assert.equal(canReach(a.model, middleware, frontend, env.config.faas.frontend.port), false);
  });
});

describe("faas NetworkPolicies (ACK, Terway)", () => {
  const env = ackEnvironment("ack-managed");
  const vpc = parseCidr(env.config.network.vpcCidr)!;
  // The API server's internal load balancer: some address in the VPC, known only after creation.
  const a = analyse(env, [`${hostAddress(vpc, 200)}:6443`, `${hostAddress(parseCidr(env.config.kubernetes.serviceCidr)!, 1)}:443`]);

  it("lets the middleware, and only it, reach the API server", () => {
    for (const api of a.api) {
      assert.equal(canReach(a.model, a.byName("middleware"), api, api.ports[0]!.port), true);
      for (const n of ["executor-go", "frontend", "oauth2-proxy", "nats"]) assert.equal(canReach(a.model, a.byName(n), api, api.ports[0]!.port), false, n);
    }
  });

  it("still admits the outside only to oauth2-proxy", () => {
    const reached = allowedEdges(a.model, a.endpoints).filter((e) => e.from === "outside" && a.workloads.some((w) => w.name === e.to));
    assert.deepEqual(
      reached.map((e) => e.to),
      ["oauth2-proxy"],
    );
  });

  it("blocks the cloud metadata service from oauth2-proxy's internet egress", () => {
    assert.equal(canReach(a.model, a.byName("oauth2-proxy"), ipEndpoint("metadata", "100.100.100.200"), 443), false);
    assert.equal(canReach(a.model, a.byName("oauth2-proxy"), a.outside, 443), true);
  });
});
