import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import {
  allowedEdges,
  canReach,
  dnsEndpoint,
  ipEndpoint,
  networkModel,
  reachability,
  workloadEndpoints,
  type PodEndpoint,
} from "../../src/analysis/reachability";
import { selectorMatches } from "../../src/analysis/selectors";

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const pol = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace },
  spec,
});
const pod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  ports: { port: number; name?: string; protocol?: "TCP" | "UDP" }[] = [],
): PodEndpoint => ({
  kind: "pod",
  name,
  namespace,
  labels,
  ports,
});

const web = pod("web", "a", { app: "web" }, [{ port: 8080, name: "http" }]);
const db = pod("db", "a", { app: "db" }, [{ port: 5432, name: "pg" }]);
const other = pod("other", "b", { app: "web" }, [{ port: 8080, name: "http" }]);
const outside = ipEndpoint("outside", "203.0.113.10");

describe("label selectors", () => {
  it("evaluates matchLabels and every matchExpressions operator", () => {
    const labels = { app: "web", tier: "front" };
    assert.equal(selectorMatches({}, labels), true);
    assert.equal(selectorMatches({ matchLabels: { app: "web" } }, labels), true);
    assert.equal(selectorMatches({ matchLabels: { app: "db" } }, labels), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, labels), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] }, labels), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["back"] }] }, labels), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "missing", operator: "NotIn", values: ["x"] }] }, labels), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels), false);
    assert.equal(selectorMatches({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels), false);
  });
});

describe("NetworkPolicy reachability", () => {
  it("allows everything when no policy selects either pod", () => {
    const m = networkModel([ns("a"), ns("b")]);
    assert.equal(canReach(m, web, db, 5432), true);
    assert.equal(canReach(m, outside, web, 8080), true);
  });

  it("default-deny ingress blocks ingress but not egress", () => {
    const m = networkModel([ns("a"), pol("a", "deny", { podSelector: {}, policyTypes: ["Ingress"] })]);
    assert.equal(canReach(m, web, db, 5432), false);
    assert.equal(canReach(m, web, outside, 443), true);
    const r = reachability(m, web, db, 5432);
    assert.equal(r.egress.isolated, false);
    assert.equal(r.ingress.isolated, true);
  });

  it("policyTypes defaults to Ingress, plus Egress when egress rules are present", () => {
    const ingressOnly = networkModel([pol("a", "p", { podSelector: { matchLabels: { app: "db" } } })]);
    assert.equal(canReach(ingressOnly, web, db, 5432), false);
    assert.equal(canReach(ingressOnly, db, web, 8080), true);
    const withEgress = networkModel([
      pol("a", "p", { podSelector: { matchLabels: { app: "web" } }, egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }] }] }),
    ]);
    assert.equal(canReach(withEgress, web, db, 5432), true);
    assert.equal(canReach(withEgress, web, outside, 443), false);
  });

  it("needs both the source's egress and the destination's ingress", () => {
    const m = networkModel([
      pol("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      pol("a", "db-in", {
        podSelector: { matchLabels: { app: "db" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ]);
    assert.equal(canReach(m, web, db, 5432), false, "egress of web is still denied");
    const m2 = networkModel([
      pol("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      pol("a", "db-in", {
        podSelector: { matchLabels: { app: "db" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
      pol("a", "web-out", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432 }] }],
      }),
    ]);
    const r = reachability(m2, web, db, 5432);
    assert.equal(r.allowed, true);
    assert.deepEqual(r.egress.allowedBy, ["a/web-out"]);
    assert.deepEqual(r.ingress.allowedBy, ["a/db-in"]);
    assert.equal(canReach(m2, web, db, 5433), false, "port not in the egress rule");
    assert.equal(canReach(m2, web, db, 5432, "UDP"), false, "protocol defaults to TCP");
  });

  it("podSelector alone stays in the policy's namespace; namespaceSelector widens it", () => {
    const only = networkModel([
      ns("a"),
      ns("b", { team: "x" }),
      pol("a", "in", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] }),
    ]);
    assert.equal(canReach(only, web, db, 5432), true);
    assert.equal(canReach(only, other, db, 5432), false, "same labels in another namespace do not match");
    const combined = networkModel([
      ns("a"),
      ns("b", { team: "x" }),
      pol("a", "in", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "x" } }, podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ]);
    assert.equal(canReach(combined, other, db, 5432), true);
    assert.equal(canReach(combined, web, db, 5432), false, "namespace a lacks team=x");
    const separate = networkModel([
      ns("a"),
      ns("b", { team: "x" }),
      pol("a", "in", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "x" } } }, { podSelector: { matchLabels: { app: "nope" } } }] }],
      }),
    ]);
    assert.equal(canReach(separate, pod("any", "b", { app: "zzz" }), db, 5432), true, "namespaceSelector alone admits every pod there");
  });

  it("matches namespaces by the automatic kubernetes.io/metadata.name label", () => {
    const m = networkModel([
      ns("a"),
      pol("a", "in", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }] }],
      }),
    ]);
    assert.equal(canReach(m, other, db, 5432), true);
    assert.equal(canReach(m, web, db, 5432), false);
  });

  it("resolves named ports against the destination pod", () => {
    const m = networkModel([pol("a", "in", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "pg" }] }] })]);
    assert.equal(canReach(m, web, db, 5432), true);
    assert.equal(canReach(m, web, db, 5433), false);
    const range = networkModel([pol("a", "in", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] })]);
    assert.equal(canReach(range, db, web, 8080), true);
    assert.equal(canReach(range, web, db, 5432), false);
  });

  it("ipBlock honours except, and ignores pods unless their range could match", () => {
    const m = networkModel(
      [
        pol("a", "out", {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }], ports: [{ port: 443 }] }],
        }),
      ],
      { podCidrs: ["10.244.0.0/16"] },
    );
    assert.equal(canReach(m, web, ipEndpoint("idp", "203.0.113.10"), 443), true);
    assert.equal(canReach(m, web, ipEndpoint("apiserver", "192.168.60.11:6443"), 443), false);
    assert.equal(canReach(m, web, ipEndpoint("vm", "10.0.2.15"), 443), false);
    assert.equal(canReach(m, web, pod("x", "b", {}, [{ port: 443 }]), 443), false, "pods live in 10.244/16, excepted");
    const open = networkModel([pol("a", "out", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] })], {
      podCidrs: ["10.244.0.0/16"],
    });
    assert.equal(canReach(open, web, pod("x", "b", {}, [{ port: 443 }]), 443), true, "an ipBlock covering the pod range may match pods");
    const ingress = networkModel([
      pol("a", "in", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }] }],
      }),
    ]);
    assert.equal(canReach(ingress, outside, web, 8080), true);
    assert.equal(canReach(ingress, ipEndpoint("o2", "203.0.113.200"), web, 8080), false);
  });

  it("selector peers never match IP endpoints", () => {
    const m = networkModel([pol("a", "in", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] })]);
    assert.equal(canReach(m, other, web, 8080), true);
    assert.equal(canReach(m, outside, web, 8080), false);
  });

  it("reads endpoints from workloads and PodTemplates", () => {
    const eps = workloadEndpoints([
      {
        kind: "Deployment",
        metadata: { name: "fe", namespace: "s" },
        spec: { template: { metadata: { labels: { app: "fe" } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 3000, name: "http" }] }] } } },
      },
      {
        kind: "PodTemplate",
        metadata: { name: "ex", namespace: "e" },
        template: { metadata: { labels: { app: "executor" } }, spec: { containers: [{ name: "c" }] } },
      },
      { kind: "Service", metadata: { name: "svc" } },
    ]);
    assert.deepEqual(eps, [
      { kind: "pod", name: "fe", namespace: "s", labels: { app: "fe" }, ports: [{ port: 3000, protocol: "TCP", name: "http" }] },
      { kind: "pod", name: "ex", namespace: "e", labels: { app: "executor" }, ports: [] },
    ]);
  });

  it("lists allowed edges between named endpoints", () => {
    const dns = dnsEndpoint();
    const m = networkModel([
      ns("a"),
      pol("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      pol("a", "dns", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
            ],
            ports: [{ port: 53, protocol: "UDP" }],
          },
        ],
      }),
      pol("a", "web-db", {
        podSelector: { matchLabels: { app: "web" } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }] }],
        policyTypes: ["Egress"],
      }),
      pol("a", "db-in", {
        podSelector: { matchLabels: { app: "db" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: "pg" }] }],
      }),
    ]);
    const edges = allowedEdges(m, [web, db, dns]);
    assert.deepEqual(edges, [
      { from: "web", to: "db", port: 5432, protocol: "TCP", portName: "pg" },
      { from: "web", to: "dns", port: 53, protocol: "UDP", portName: "dns" },
      { from: "db", to: "dns", port: 53, protocol: "UDP", portName: "dns" },
    ]);
    assert.throws(() => allowedEdges(m, [web, web]), /used twice/);
  });
});
