/**
 * Rules of the environment model the review found missing: namespaces, finite bounds with their
 * range, CIDR prefix bounds, web URLs, the OIDC issuer, NFS exports under a data directory, OCI
 * image references, Kubernetes and Alibaba grammars, and paths that stay home. Every refusal names
 * the field and the rule.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { validateConfigs } from "../../src/config/load";
import { imageReferenceProblem, parseImageReference } from "../../src/config/oci-reference";
import { ENVIRONMENT_SCHEMAS } from "../../src/config/schema";
import { resolveWritablePath } from "../../src/contracts/state-paths";
import { quote, UserError } from "../../src/errors";

function problems(overrides: Record<string, unknown>): string[] {
  return validateConfigs(overrides).problems.map((p) => `${p.path}: ${p.message}`);
}

function expectProblem(overrides: Record<string, unknown>, path: string, pattern: RegExp): void {
  const found = problems(overrides);
  assert.ok(
    found.some((p) => p.startsWith(`${path}: `) && pattern.test(p)),
    `expected a problem at ${path} matching ${pattern}, got:\n${found.join("\n")}`,
  );
}

describe("workload namespaces", () => {
  it("refuses kube-*, default and the platform's own namespaces", () => {
    expectProblem({ local: { faas: { namespace: "kube-system" } } }, "local.faas.namespace", /Kubernetes system namespace/);
    expectProblem({ local: { webApp: { namespace: "default" } } }, "local.webApp.namespace", /belongs to Kubernetes or the platform/);
    expectProblem({ local: { faas: { executorNamespace: "metallb-system" } } }, "local.faas.executorNamespace", /belongs to Kubernetes or the platform/);
    expectProblem({ "ack-managed": { faas: { namespace: "kube-public" } } }, "ack-managed.faas.namespace", /kube-\*/);
  });

  it("refuses the same namespace twice, and a Secret name the deploy step generates", () => {
    expectProblem({ local: { faas: { executorNamespace: "faas" } } }, "local.faas.executorNamespace", /'faas' is already faas\.namespace/);
    expectProblem({ local: { webApp: { namespace: "faas" } } }, "local.faas.namespace", /already webApp\.namespace/);
    expectProblem(
      { local: { faas: { oauth2Proxy: { secretName: "nats-credentials" } } } },
      "local.faas.oauth2Proxy.secretName",
      /a Secret the deploy step generates/,
    );
    // Disabled components do not count.
    assert.deepEqual(problems({ local: { webApp: { enabled: false, namespace: "faas" } } }), []);
  });
});

describe("numbers", () => {
  /** Every number field of the schema, by walking it. */
  function numberFields(schema: unknown, path = ""): { path: string; min: number; max: number }[] {
    const s = schema as { _zod: { def: Record<string, unknown> & { type: string } }; minValue?: number | null; maxValue?: number | null };
    const d = s._zod.def;
    if (d.type === "number") return [{ path, min: s.minValue ?? -Infinity, max: s.maxValue ?? Infinity }];
    if (d.type === "optional") return numberFields(d.innerType, path);
    if (d.type === "array") return numberFields(d.element, `${path}[]`);
    if (d.type === "record") return numberFields(d.valueType, `${path}{}`);
    if (d.type === "union") return (d.options as unknown[]).flatMap((o) => numberFields(o, path));
    if (d.type === "object") return Object.entries(d.shape as Record<string, unknown>).flatMap(([k, v]) => numberFields(v, path ? `${path}.${k}` : k));
    return [];
  }

  it("every number field has explicit, sane bounds (not zod's ±2^53 safe-integer default)", () => {
    for (const [env, schema] of Object.entries(ENVIRONMENT_SCHEMAS)) {
      const fields = numberFields(schema);
      assert.ok(fields.length > 15, `${env}: ${fields.length}`);
      for (const f of fields) assert.ok(f.min >= -1e6 && f.max <= 1e6, `${env}.${f.path} is unbounded (${f.min}..${f.max})`);
    }
  });

  it("an absurd value is refused with the allowed range; non-finite values never get in", () => {
    expectProblem({ local: { faas: { executors: { maxPods: 1e9 } } } }, "local.faas.executors.maxPods", /must be a whole number from 1 to 1000/);
    expectProblem({ local: { webApp: { hpa: { maxReplicas: 1e308 } } } }, "local.webApp.hpa.maxReplicas", /from 1 to 100/);
    expectProblem({ "ack-managed": { nodePool: { desiredSize: 0.5 } } }, "ack-managed.nodePool.desiredSize", /whole number from 1 to 500/);
    expectProblem(
      { local: { workers: [{ name: "w1", ip: "192.168.60.21", cpus: Infinity, memoryMiB: 2048 }] } },
      "local.workers.0.cpus",
      /not a finite number/,
    );
  });

  it("quantities are bounded too: a storage size can no longer overflow nats.conf", () => {
    expectProblem(
      { local: { faas: { nats: { storageSize: "99999999999999999999999Ti" } } } },
      "local.faas.nats.storageSize",
      /outside the allowed 1Mi to 64Ti/,
    );
    expectProblem({ local: { webApp: { storageSize: "1e3Gi" } } }, "local.webApp.storageSize", /positive byte quantity/);
    expectProblem({ local: { faas: { executors: { cpuLimit: "100000" } } } }, "local.faas.executors.cpuLimit", /outside the allowed 1m to 64/);
  });
});

describe("networks", () => {
  it("refuses /32 and 0.0.0.0 ranges, and prefixes outside each field's bounds", () => {
    expectProblem({ local: { kubernetes: { podCidr: "10.244.0.1/32" } } }, "local.kubernetes.podCidr", /prefix \/32 is outside the allowed \/8 to \/24/);
    expectProblem({ local: { kubernetes: { serviceCidr: "0.0.0.0/12" } } }, "local.kubernetes.serviceCidr", /overlaps 0\.0\.0\.0\/8/);
    expectProblem({ local: { kubernetes: { serviceCidr: "10.0.0.0/8" } } }, "local.kubernetes.serviceCidr", /\/8 is outside the allowed \/12 to \/24/);
    expectProblem({ local: { network: { cidr: "192.168.60.0/30" } } }, "local.network.cidr", /outside the allowed \/16 to \/29/);
    expectProblem({ "ack-managed": { network: { vpcCidr: "0.0.0.0/0" } } }, "ack-managed.network.vpcCidr", /\/0 is outside/);
  });

  it("needs a /24 of the pod network per Kubernetes node", () => {
    expectProblem(
      { local: { kubernetes: { podCidr: "10.244.0.0/24" } } },
      "local.kubernetes.podCidr",
      /\/24 holds 1 node range\(s\) of \/24, but the cluster has 3 Kubernetes nodes; use \/22 or larger/,
    );
    assert.deepEqual(problems({ local: { kubernetes: { podCidr: "10.244.0.0/22" } } }), []);
  });
});

describe("URLs and the OIDC issuer", () => {
  it("only http and https redirect URLs, without credentials; the issuer is https", () => {
    for (const bad of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x/y"])
      expectProblem(
        { local: { faas: { oauth2Proxy: { redirectUrl: bad } } } },
        "local.faas.oauth2Proxy.redirectUrl",
        /must be an http or https URL|absolute http or https URL/,
      );
    expectProblem(
      { local: { faas: { oauth2Proxy: { redirectUrl: "https://user:pw@x.io/cb" } } } },
      "local.faas.oauth2Proxy.redirectUrl",
      /user name or password/,
    );
    expectProblem(
      { local: { faas: { oauth2Proxy: { provider: "oidc", oidcIssuerUrl: "http://id.acme.io" } } } },
      "local.faas.oauth2Proxy.oidcIssuerUrl",
      /must be an https URL/,
    );
  });

  it("requires the issuer for the oidc providers", () => {
    expectProblem({ local: { faas: { oauth2Proxy: { provider: "oidc" } } } }, "local.faas.oauth2Proxy.oidcIssuerUrl", /required when provider is oidc/);
    expectProblem(
      { "ack-managed": { faas: { oauth2Proxy: { provider: "keycloak-oidc" } } } },
      "ack-managed.faas.oauth2Proxy.oidcIssuerUrl",
      /required when provider is keycloak-oidc/,
    );
    assert.deepEqual(problems({ local: { faas: { oauth2Proxy: { provider: "oidc", oidcIssuerUrl: "https://id.acme.io/realms/a" } } } }), []);
  });
});

describe("node directories", () => {
  it("exports and local volumes live under a data directory, never a system one", () => {
    for (const bad of ["/etc", "/etc/k8s", "/", "/usr/share", "/srv/../etc", "/srv"])
      expectProblem({ local: { nfs: { exportPath: bad } } }, "local.nfs.exportPath", /below one of \/srv|plain segments/);
    expectProblem({ local: { localVolumes: { path: "/var/lib/kubelet" } } }, "local.localVolumes.path", /below one of/);
    assert.deepEqual(problems({ local: { nfs: { exportPath: "/data/nfs" }, localVolumes: { path: "/mnt/pv" } } }), []);
  });
});

describe("image references (OCI grammar)", () => {
  const SHA = "a".repeat(64);

  it("accepts tagged and digested references with or without a registry", () => {
    for (const ok of [
      "docker.io/library/nats:2.14.2-alpine",
      "nats:2.14",
      `quay.io/a/b@sha256:${SHA}`,
      `localhost:5000/x/y:1@sha256:${SHA}`,
      `r.io/x@sha512:${"0".repeat(128)}`,
      "[::1]:5000/x:1",
    ]) {
      assert.equal(imageReferenceProblem(ok), undefined, ok);
    }
    assert.deepEqual(parseImageReference(`localhost:5000/x/y:1@sha256:${SHA}`), { domain: "localhost:5000", path: "x/y", tag: "1", digest: `sha256:${SHA}` });
  });

  it("refuses malformed digests, unknown algorithms, bad tags and paths, and unpinned images", () => {
    expectProblem(
      { local: { faas: { frontend: { image: `docker.io/a/b@sha256:${"a".repeat(63)}` } } } },
      "local.faas.frontend.image",
      /sha256 digest that is not 64 lower-case hex digits/,
    );
    expectProblem({ local: { faas: { frontend: { image: `docker.io/a/b@sha256:${"A".repeat(64)}` } } } }, "local.faas.frontend.image", /not 64 lower-case hex/);
    expectProblem(
      { local: { faas: { frontend: { image: `docker.io/a/b@md5:${"a".repeat(32)}` } } } },
      "local.faas.frontend.image",
      /algorithm "md5"; use sha256/,
    );
    expectProblem({ local: { faas: { middleware: { image: "docker.io/a/B:1" } } } }, "local.faas.middleware.image", /repository path/);
    expectProblem({ local: { faas: { middleware: { image: "docker.io/a/b:-x" } } } }, "local.faas.middleware.image", /has a tag/);
    expectProblem({ local: { faas: { middleware: { image: "docker.io/a/b" } } } }, "local.faas.middleware.image", /pinned/);
    expectProblem({ local: { faas: { executors: { images: { c: "gcc:latest" } } } } }, "local.faas.executors.images.c", /pinned/);
  });
});

describe("Kubernetes and Alibaba grammars", () => {
  it("labels, taints and tags follow their platform's rules", () => {
    expectProblem({ "ack-managed": { nodePool: { labels: { "bad key!": "v" } } } }, 'ack-managed.nodePool.labels.["bad key!"]', /Kubernetes label key/);
    expectProblem({ "ack-managed": { nodePool: { labels: { team: "a b" } } } }, "ack-managed.nodePool.labels.team", /label value/);
    expectProblem({ "ack-managed": { nodePool: { labels: { "kubernetes.io/role": "x" } } } }, 'ack-managed.nodePool.labels.["kubernetes.io/role"]', /reserves/);
    expectProblem(
      { "ack-managed": { nodePool: { taints: [{ key: "${x}", value: "", effect: "NoSchedule" }] } } },
      "ack-managed.nodePool.taints.0.key",
      /label key/,
    );
    expectProblem({ "ack-managed": { tags: { "aliyun:x": "v" } } }, 'ack-managed.tags.["aliyun:x"]', /reserves/);
    expectProblem({ "ack-managed": { tags: { owner: "see https://x.io" } } }, "ack-managed.tags.owner", /http/);
    assert.deepEqual(
      problems({
        "ack-managed": {
          nodePool: { labels: { "acme.io/team": "platform" }, taints: [{ key: "dedicated", value: "ops", effect: "NoSchedule" }] },
          tags: { "cost-center": "${not-live}" },
        },
      }),
      [],
    );
  });

  it("zones, key-pair names and host interfaces have their grammars", () => {
    expectProblem(
      { "ack-managed": { network: { vswitches: [{ zone: '${file("/etc/passwd")}', cidr: "172.16.0.0/20" }] } } },
      "ack-managed.network.vswitches.0.zone",
      /zone id/,
    );
    expectProblem({ "ack-managed": { nodePool: { keyPair: { name: "../../../etc/x" } } } }, "ack-managed.nodePool.keyPair.name", /key-pair name/);
    expectProblem({ local: { network: { hostInterface: "vboxnet0; rm -rf /" } } }, "local.network.hostInterface", /host-only interface name/);
    assert.deepEqual(problems({ local: { network: { hostInterface: "VirtualBox Host-Only Ethernet Adapter #2" } } }), []);
  });
});

describe("paths Terraform writes, resolved against the project", () => {
  it("an absolute path into the project is refused naming the field, unless it lands in state/<env>/", () => {
    const root = "/work/project";
    assert.throws(
      () => resolveWritablePath(root, "local", "local.kubeconfigPath", "kubeconfig", "/work/project/package.json"),
      (e: unknown) =>
        e instanceof UserError && /^local\.kubeconfigPath: "\/work\/project\/package\.json" lies inside the project \("package\.json"\)/.test(e.message),
    );
    assert.throws(
      () => resolveWritablePath(root, "local", "local.kubeconfigPath", "kubeconfig", "/work/project/state/local/terraform.tfstate"),
      /would overwrite Terraform state/,
    );
    assert.equal(resolveWritablePath(root, "local", "local.kubeconfigPath", "kubeconfig", "/work/project/state/local/kc"), "/work/project/state/local/kc");
    assert.equal(resolveWritablePath(root, "local", "local.kubeconfigPath", "kubeconfig", "/home/me/.kube/lab"), "/home/me/.kube/lab");
    assert.equal(resolveWritablePath(root, "local", "local.kubeconfigPath", "kubeconfig", "state/local/kubeconfig"), "/work/project/state/local/kubeconfig");
  });
});

describe("error output quotes input only up to a bounded length", () => {
  it("quote() cuts long input, escapes control characters and terminal escapes", () => {
    assert.equal(quote("abc"), '"abc"');
    assert.equal(quote("a\u001b[31mred\n"), '"a\\u001b[31mred\\n"');
    const long = quote("x".repeat(10_000));
    assert.ok(long.length < 140, long);
    assert.match(long, /… \(9920 more characters\)$/);
  });

  it("a huge unknown key or value is never echoed whole", () => {
    const huge = "k".repeat(100_000);
    for (const p of [...problems({ [huge]: {} }), ...problems({ local: { [huge]: 1 } }), ...problems({ local: { kubernetes: { version: huge } } })])
      assert.ok(p.length < 400, p.slice(0, 200));
  });
});
