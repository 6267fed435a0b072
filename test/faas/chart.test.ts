import { executorMemory } from "../../charts/faas/executors";
import { quantityBytes } from "../../charts/shared/quantity";
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { stringify } from "yaml";
import { CHART_IDS } from "../../src/contracts/chart-ids";
import { blockStorageClass } from "../../charts/shared/storage";
import { isPinnedImage } from "../../src/config/images";
import { ManifestValidator } from "../support/k8s-validate";
import { podSpecsOf, restrictedViolations } from "../support/pod-security";
import { environment, find, type K8sObject, synthFaas } from "./fixtures";
import { EXECUTOR_MEMORY_HEADROOM_BYTES } from "../../service/contract/executor";

const local = environment("local");
const ack = environment("ack-managed");
const localOut = synthFaas(local);
const ackOut = synthFaas(ack);
const NS = local.config.faas.namespace;
const EXEC_NS = local.config.faas.executorNamespace;

function containers(o: K8sObject): any[] {
  const spec = o.kind === "PodTemplate" ? o.template.spec : o.spec.template.spec;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
}

describe("faas chart files", () => {
  it("writes 60-faas (its RuntimeClasses are in 05-runtime-classes, test/runtimes)", () => {
    assert.deepEqual([...localOut.charts.keys()], [CHART_IDS.faas]);
    assert.deepEqual([...ackOut.charts.keys()], [CHART_IDS.faas]);
  });

  it("writes nothing when faas is disabled", () => {
    assert.equal(synthFaas(environment("local", { faas: { enabled: false } })).all.length, 0);
  });

  it("validates every object against the Kubernetes API schema", () => {
    const v = new ManifestValidator();
    for (const out of [localOut, ackOut]) assert.deepEqual(v.validateAll(out.all), []);
  });

  it("pins every image", () => {
    for (const o of [...localOut.all, ...ackOut.all].filter((x) => ["Deployment", "StatefulSet", "PodTemplate"].includes(x.kind))) {
      for (const c of containers(o)) assert.ok(isPinnedImage(c.image), `${o.kind} ${o.metadata.name}: ${c.image}`);
    }
  });
});

describe("faas security", () => {
  it("labels both namespaces Pod Security restricted (enforce, warn, audit) at the cluster minor", () => {
    for (const ns of [NS, EXEC_NS]) {
      const labels = find(localOut.all, "Namespace", ns).metadata.labels!;
      for (const mode of ["enforce", "warn", "audit"]) assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", `${ns} ${mode}`);
      assert.equal(labels["pod-security.kubernetes.io/enforce-version"], `v${local.config.kubernetes.version}`);
    }
  });

  it("makes every pod spec and PodTemplate meet each restricted rule", () => {
    for (const out of [localOut, ackOut]) {
      const specs = podSpecsOf(out.all);
      assert.deepEqual(specs.map((s) => s.where).sort(), [
        `DaemonSet ${EXEC_NS}/executor-image-prepull`,
        `Deployment ${NS}/frontend`,
        `Deployment ${NS}/middleware`,
        `Deployment ${NS}/oauth2-proxy`,
        `PodTemplate ${EXEC_NS}/executor-c`,
        `PodTemplate ${EXEC_NS}/executor-go`,
        `PodTemplate ${EXEC_NS}/executor-javascript`,
        `StatefulSet ${NS}/nats`,
      ]);
      for (const s of specs) assert.deepEqual(restrictedViolations(s.spec, s.metadata), [], s.where);
    }
  });

  it("mounts a ServiceAccount token in the middleware only", () => {
    for (const s of podSpecsOf(localOut.all)) {
      const isMiddleware = s.where === `Deployment ${NS}/middleware`;
      assert.equal(s.spec.automountServiceAccountToken, isMiddleware, s.where);
      if (isMiddleware) assert.equal(s.spec.serviceAccountName, "middleware");
      else assert.equal(s.spec.serviceAccountName, undefined, s.where);
    }
    for (const ns of [NS, EXEC_NS]) assert.equal(find(localOut.all, "ServiceAccount", "default", ns).automountServiceAccountToken, false);
  });

  it("gives the middleware exactly one Role, in the executor namespace, with exactly these rules", () => {
    const roles = localOut.all.filter((o) => o.kind === "Role");
    assert.equal(roles.length, 1);
    const role = roles[0]!;
    assert.equal(role.metadata.namespace, EXEC_NS);
    assert.deepEqual(role.rules, [
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "delete"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: [""], resources: ["podtemplates"], resourceNames: ["executor-go", "executor-javascript", "executor-c"], verbs: ["get"] },
    ]);
    const bindings = localOut.all.filter((o) => o.kind === "RoleBinding");
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0]!.metadata.namespace, EXEC_NS);
    assert.deepEqual(bindings[0]!.subjects, [{ kind: "ServiceAccount", name: "middleware", namespace: NS }]);
    assert.deepEqual(bindings[0]!.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
  });

  it("creates no ClusterRole or ClusterRoleBinding", () => {
    for (const out of [localOut, ackOut])
      assert.deepEqual(
        out.all.filter((o) => o.kind.startsWith("Cluster")),
        [],
      );
  });

  it("contains no Secret and no secret value; oauth2-proxy reads them by reference", () => {
    for (const out of [localOut, ackOut]) {
      assert.deepEqual(
        out.all.filter((o) => o.kind === "Secret"),
        [],
      );
      for (const o of out.all) assert.ok(!("stringData" in o) && (o.kind === "ConfigMap" || !("data" in o)), `${o.kind} ${o.metadata.name} carries data`);
      const text = stringify(out.all);
      assert.doesNotMatch(text, /client-secret=|cookie-secret=|client-id=/);
    }
    const oauth = containers(find(localOut.all, "Deployment", "oauth2-proxy"))[0];
    assert.deepEqual(oauth.env, [
      { name: "OAUTH2_PROXY_CLIENT_ID", valueFrom: { secretKeyRef: { name: "oauth2-proxy", key: "client-id" } } },
      { name: "OAUTH2_PROXY_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "oauth2-proxy", key: "client-secret" } } },
      { name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: { secretKeyRef: { name: "oauth2-proxy", key: "cookie-secret" } } },
    ]);
  });

  it("still writes the policies under Flannel (synth warns, see test/charts): they take effect once the CNI changes", () => {
    const flannel = synthFaas(environment("local", { cni: "flannel" }));
    assert.ok(flannel.all.some((o) => o.kind === "NetworkPolicy" && o.metadata.name === "default-deny"));
  });
});

describe("executors", () => {
  it("builds one locked-down PodTemplate per language in the contract's layout, sandboxed locally", () => {
    const f = local.config.faas;
    for (const lang of ["go", "javascript", "c"] as const) {
      const t = find(localOut.all, "PodTemplate", `executor-${lang}`, EXEC_NS);
      const spec = t.template.spec;
      assert.equal(spec.runtimeClassName, "gvisor");
      assert.equal(spec.restartPolicy, "Never");
      assert.equal(spec.activeDeadlineSeconds, f.executors.deadlineSeconds);
      assert.equal(spec.automountServiceAccountToken, false);
      assert.equal(spec.enableServiceLinks, false);
      // The job runs in the init container `run`; `report` (same image) prints the result frame.
      assert.deepEqual(
        spec.initContainers.map((c: any) => [c.name, c.image, c.command]),
        [["run", f.executors.images[lang], ["/usr/local/bin/faas-runner", "run"]]],
      );
      assert.deepEqual(
        spec.containers.map((c: any) => [c.name, c.image, c.command]),
        [["report", f.executors.images[lang], ["/usr/local/bin/faas-runner", "report"]]],
      );
      const [run] = spec.initContainers;
      const [report] = spec.containers;
      for (const c of [run, report]) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
        assert.equal(
          (c.env ?? []).some((e: any) => /NATS|PASSWORD|TOKEN/.test(e.name) || e.valueFrom?.secretKeyRef),
          false,
          `${c.name} holds no credential`,
        );
      }
      // Memory: the job's budget (256Mi) plus the runner's headroom from the executor contract (64Mi); requests = limits.
      assert.equal(EXECUTOR_MEMORY_HEADROOM_BYTES, 64 * 2 ** 20);
      assert.deepEqual(run.resources.limits, { cpu: f.executors.cpuLimit, memory: "320Mi" });
      assert.deepEqual(run.resources.requests, run.resources.limits);
      assert.deepEqual(report.resources.limits, { cpu: "100m", memory: "64Mi" });
      // The limits, as the runner reads them.
      assert.deepEqual(Object.fromEntries(run.env.map((e: any) => [e.name, e.value])), {
        FAAS_LANGUAGE: lang,
        FAAS_COMPILE_TIMEOUT_MS: "30000",
        FAAS_RUN_TIMEOUT_MS: "10000",
        FAAS_MEMORY_LIMIT_BYTES: String(256 * 2 ** 20),
        FAAS_OUTPUT_LIMIT_BYTES: String(2 ** 20),
        FAAS_MAX_PROCESSES: "128",
        HOME: "/tmp",
      });
      // The source annotation, projected as /job/source.json (read-only, run container only).
      const job = spec.volumes.find((v: any) => v.name === "job");
      assert.deepEqual(job.downwardAPI.items, [{ path: "source.json", fieldRef: { fieldPath: "metadata.annotations['faas.clusterkit.io/source']" } }]);
      assert.deepEqual(
        run.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}${m.readOnly ? ":ro" : ""}`),
        ["job:/job:ro", "work:/work", "results:/results", "tmp:/tmp"],
      );
      assert.deepEqual(
        report.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}${m.readOnly ? ":ro" : ""}`),
        ["results:/results:ro"],
      );
      assert.ok(
        spec.volumes.filter((v: any) => v.name !== "job").every((v: any) => v.emptyDir?.sizeLimit),
        "scratch volumes are bounded emptyDirs",
      );
      assert.equal(t.template.metadata.labels["faas.clusterkit.io/language"], lang);
    }
  });

  it("takes the job limits from config and checks the deadline covers them", () => {
    const custom = synthFaas(
      environment("local", {
        faas: {
          executors: { deadlineSeconds: 120, limits: { compileTimeoutSeconds: 60, runTimeoutSeconds: 40, memory: "512Mi", output: "512Ki", processes: 32 } },
        },
      }),
    );
    const t = find(custom.all, "PodTemplate", "executor-c", EXEC_NS).template.spec;
    const env = Object.fromEntries(t.initContainers[0].env.map((e: any) => [e.name, e.value]));
    assert.equal(env.FAAS_COMPILE_TIMEOUT_MS, "60000");
    assert.equal(env.FAAS_RUN_TIMEOUT_MS, "40000");
    assert.equal(env.FAAS_MEMORY_LIMIT_BYTES, String(512 * 2 ** 20));
    assert.equal(env.FAAS_OUTPUT_LIMIT_BYTES, String(512 * 1024));
    assert.equal(env.FAAS_MAX_PROCESSES, "32");
    assert.equal(t.initContainers[0].resources.limits.memory, "576Mi", "512Mi budget + 64Mi headroom");
    assert.equal(t.activeDeadlineSeconds, 120);
    assert.throws(
      () => environment("local", { faas: { executors: { deadlineSeconds: 40 } } }),
      /local\.faas\.executors\.deadlineSeconds: 40 is shorter than .*\(55\)/,
    );
    assert.throws(
      () => environment("local", { faas: { executors: { limits: { output: "2Mi" } } } }),
      /local\.faas\.executors\.limits\.output: 2Mi is over 1Mi/,
    );
    assert.throws(
      () => environment("ack-managed", { faas: { executors: { limits: { runTimeoutSeconds: 0 } } } }),
      /ack-managed\.faas\.executors\.limits\.runTimeoutSeconds/,
    );
  });

  it("runs executors under gVisor locally and runc on ACK by default; a runtime overhead is reserved in the quota", () => {
    assert.ok(
      podSpecsOf(localOut.all)
        .filter((s) => s.where.startsWith("PodTemplate"))
        .every((s) => s.spec.runtimeClassName === "gvisor"),
    );
    assert.ok(
      podSpecsOf(localOut.all)
        .filter((s) => !s.where.startsWith("PodTemplate"))
        .every((s) => s.spec.runtimeClassName === undefined),
    );
    const off = synthFaas(environment("local", { faas: { executors: { runtime: "runc" } } }));
    assert.ok(podSpecsOf(off.all).every((s) => s.spec.runtimeClassName === undefined));
    assert.ok(
      podSpecsOf(ackOut.all).every((s) => s.spec.runtimeClassName === undefined),
      "ACK default: runc",
    );
    // Kata's RuntimeClass adds 250m / 160Mi per Pod: 20 × (500m + 250m), 20 × (run container + 160Mi).
    const kataEnv = environment("local", { runtimes: { kata: { enabled: true } }, faas: { executors: { runtime: "kata" } } });
    const kata = synthFaas(kataEnv);
    const q = find(kata.all, "ResourceQuota", "executor-quota", EXEC_NS);
    assert.equal(q.spec.hard["limits.cpu"], "15000m");
    const runMiB = quantityBytes(executorMemory(kataEnv.config.faas)) / 2 ** 20;
    assert.equal(q.spec.hard["limits.memory"], `${20 * (runMiB + 160)}Mi`);
    assert.equal(
      find(synthFaas(environment("local")).all, "ResourceQuota", "executor-quota", EXEC_NS).spec.hard["limits.memory"],
      `${20 * runMiB}Mi`,
      "no overhead under gVisor",
    );
    // The pre-pull DaemonSet follows the executors to the Kata nodes (it stays runc itself).
    const ds = find(kata.all, "DaemonSet", "executor-image-prepull", EXEC_NS);
    assert.equal(ds.spec.template.spec.runtimeClassName, undefined);
    assert.deepEqual(ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1], {
      key: "katacontainers.io/kata-runtime",
      operator: "In",
      values: ["true"],
    });
  });

  it("bounds the executor namespace with a quota and a LimitRange from config", () => {
    const out = synthFaas(environment("local", { faas: { executors: { maxPods: 7, cpuLimit: "250m", limits: { memory: "128Mi" } } } }));
    const q = find(out.all, "ResourceQuota", "executor-quota", EXEC_NS);
    assert.equal(q.spec.hard.pods, 7);
    assert.equal(q.spec.hard["limits.cpu"], "1750m");
    // 7 × (128Mi budget + 64Mi headroom): a Pod's effective memory is its run container's.
    assert.equal(q.spec.hard["limits.memory"], "1344Mi");
    const lr = find(out.all, "LimitRange", "executor-limits", EXEC_NS);
    assert.deepEqual(lr.spec.limits[0].max, { cpu: "250m", memory: "192Mi" });
  });

  it("rejects quantities of the wrong kind in config, with the field path", () => {
    assert.throws(
      () => environment("local", { faas: { executors: { limits: { memory: "500m" } } } }),
      /local\.faas\.executors\.limits\.memory: must be a positive byte quantity/,
    );
    assert.throws(
      () => environment("local", { faas: { executors: { cpuLimit: "1Gi" } } }),
      /local\.faas\.executors\.cpuLimit: must be a positive CPU quantity/,
    );
  });
});

describe("NATS", () => {
  it("runs a 3-server JetStream cluster on block storage by default", () => {
    const sts = find(localOut.all, "StatefulSet", "nats", NS);
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.spec.serviceName, "nats-headless");
    const vct = sts.spec.volumeClaimTemplates[0];
    assert.equal(vct.spec.storageClassName, blockStorageClass(local));
    assert.equal(vct.spec.storageClassName, "local-volume");
    assert.equal(vct.spec.resources.requests.storage, local.config.faas.nats.storageSize);
    assert.ok(containers(sts)[0].volumeMounts.some((m: any) => m.name === vct.metadata.name && m.mountPath === "/data"));
    const ackSts = find(ackOut.all, "StatefulSet", "nats", NS);
    assert.equal(ackSts.spec.volumeClaimTemplates[0].spec.storageClassName, blockStorageClass(ack));
    assert.equal(ackSts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "20Gi");
    const headless = find(localOut.all, "Service", "nats-headless", NS);
    assert.equal(headless.spec.clusterIP, "None");
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    const conf: string = find(localOut.all, "ConfigMap", "nats-config", NS).data["nats.conf"];
    assert.match(conf, /server_name: \$SERVER_NAME/);
    for (const i of [0, 1, 2]) assert.match(conf, new RegExp(`nats://nats-${i}\\.nats-headless:6222`));
    assert.doesNotMatch(conf, /nats-3\./);
    assert.match(conf, /store_dir: \/data/);
    const env = containers(sts)[0].env;
    assert.deepEqual(env.slice(0, 2), [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "SERVER_NAME", value: "$(POD_NAME)" },
    ]);
    assert.equal(find(localOut.all, "PodDisruptionBudget", "nats", NS).spec.maxUnavailable, 1);
  });

  it("scales to 1 (no cluster block) and 5 (routes to every ordinal) from config", () => {
    const one = synthFaas(environment("local", { faas: { nats: { replicas: 1 } } }));
    assert.equal(find(one.all, "StatefulSet", "nats").spec.replicas, 1);
    assert.doesNotMatch(find(one.all, "ConfigMap", "nats-config").data["nats.conf"], /cluster \{/);
    const five = synthFaas(environment("local", { faas: { nats: { replicas: 5 } } }));
    assert.equal(find(five.all, "StatefulSet", "nats").spec.replicas, 5);
    const routes = find(five.all, "ConfigMap", "nats-config").data["nats.conf"].match(/nats:\/\/nats-\d\.nats-headless:6222/g);
    assert.deepEqual(
      routes,
      [0, 1, 2, 3, 4].map((i) => `nats://nats-${i}.nats-headless:6222`),
    );
  });

  it("runs NATS as a fixed non-root user (the alpine image defaults to root)", () => {
    const spec = find(localOut.all, "StatefulSet", "nats").spec.template.spec;
    assert.equal(spec.securityContext.runAsUser, 1000);
    assert.equal(spec.securityContext.fsGroup, 1000);
  });
});

describe("oauth2-proxy, frontend and middleware", () => {
  it("configures oauth2-proxy from config with the frontend Service as upstream", () => {
    const f = local.config.faas;
    const args: string[] = containers(find(localOut.all, "Deployment", "oauth2-proxy"))[0].args;
    // Local default: generated local users (htpasswd form), only our email domain, our sign-in page.
    assert.deepEqual(args, [
      "--provider=google",
      "--email-domain=clusterkit.internal",
      "--htpasswd-file=/etc/oauth2-proxy/users/htpasswd",
      "--display-htpasswd-form=true",
      "--custom-templates-dir=/etc/oauth2-proxy/templates",
      "--http-address=0.0.0.0:4180",
      `--upstream=http://frontend.${NS}.svc.cluster.local:${f.frontend.port}/`,
      `--redirect-url=${f.oauth2Proxy.redirectUrl}`,
      "--cookie-secure=false",
      "--cookie-samesite=lax",
      // Clients connect directly (MetalLB, port-forward): forwarded headers are not trusted.
      "--reverse-proxy=false",
    ]);
    const google = synthFaas(environment("local", { faas: { oauth2Proxy: { signIn: "provider" } } }));
    const googleArgs: string[] = containers(find(google.all, "Deployment", "oauth2-proxy"))[0].args;
    assert.deepEqual(googleArgs.slice(0, 2), ["--provider=google", "--email-domain=*"]);
    assert.ok(!googleArgs.some((a) => a.startsWith("--htpasswd-file") || a.startsWith("--custom-templates-dir")));
    const frontendSvc = find(localOut.all, "Service", "frontend", NS);
    assert.equal(frontendSvc.spec.ports[0].port, f.frontend.port);
    const custom = synthFaas(
      environment("local", {
        faas: { oauth2Proxy: { signIn: "provider", provider: "oidc", oidcIssuerUrl: "https://id.example.org", emailDomains: ["a.org", "b.org"] } },
      }),
    );
    const customArgs: string[] = containers(find(custom.all, "Deployment", "oauth2-proxy"))[0].args;
    assert.ok(customArgs.includes("--provider=oidc") && customArgs.includes("--oidc-issuer-url=https://id.example.org"));
    assert.deepEqual(
      customArgs.filter((a) => a.startsWith("--email-domain")),
      ["--email-domain=a.org", "--email-domain=b.org"],
    );
  });

  it("trusts X-Forwarded-* only on ACK (behind ALB), and only from the VPC", () => {
    for (const name of ["ack-managed", "ack-dedicated"] as const) {
      const e = environment(name);
      const args: string[] = containers(find(synthFaas(e).all, "Deployment", "oauth2-proxy"))[0].args;
      assert.ok(e.kind === "ack");
      assert.deepEqual(
        args.filter((a) => /^--(reverse-proxy|trusted-proxy-ip)=/.test(a)),
        ["--reverse-proxy=true", `--trusted-proxy-ip=${e.config.network.vpcCidr}`],
        name,
      );
    }
    const localArgs: string[] = containers(find(localOut.all, "Deployment", "oauth2-proxy"))[0].args;
    assert.ok(localArgs.includes("--reverse-proxy=false") && !localArgs.some((a) => a.startsWith("--trusted-proxy-ip")));
  });

  it("serves the ACK Ingress on the redirect URL's scheme (HTTPS listener, redirect, TLS host)", () => {
    const httpsIng = find(ackOut.all, "Ingress", "oauth2-proxy", NS);
    const url = new URL(ack.config.faas.oauth2Proxy.redirectUrl);
    assert.equal(url.protocol, "https:");
    assert.deepEqual(JSON.parse(httpsIng.metadata.annotations?.["alb.ingress.kubernetes.io/listen-ports"] ?? "null"), [{ HTTP: 80 }, { HTTPS: 443 }]);
    assert.equal(httpsIng.metadata.annotations?.["alb.ingress.kubernetes.io/ssl-redirect"], "true");
    assert.deepEqual(httpsIng.spec.tls, [{ hosts: [url.hostname] }]);
    assert.equal(httpsIng.spec.rules[0].host, url.hostname);
    // A plain-http redirect URL gets a plain-http Ingress: no HTTPS listener, no redirect to it.
    const plain = synthFaas(
      environment("ack-managed", { faas: { oauth2Proxy: { redirectUrl: "http://faas.example.net/oauth2/callback", cookieSecure: false } } }),
    );
    const httpIng = find(plain.all, "Ingress", "oauth2-proxy", NS);
    assert.equal(httpIng.metadata.annotations, undefined);
    assert.equal(httpIng.spec.tls, undefined);
    assert.equal(httpIng.spec.rules[0].host, "faas.example.net");
  });

  it("probes oauth2-proxy on /ping and /ready as the distroless nonroot user", () => {
    const c = containers(find(localOut.all, "Deployment", "oauth2-proxy"))[0];
    assert.equal(c.livenessProbe.httpGet.path, "/ping");
    assert.equal(c.readinessProbe.httpGet.path, "/ready");
    assert.equal(c.securityContext.runAsUser, 65532);
  });

  it("exposes oauth2-proxy by LoadBalancer locally and by ALB Ingress on ACK", () => {
    assert.equal(find(localOut.all, "Service", "oauth2-proxy", NS).spec.type, "LoadBalancer");
    assert.equal(
      localOut.all.some((o) => o.kind === "Ingress"),
      false,
    );
    assert.equal(find(ackOut.all, "Service", "oauth2-proxy", NS).spec.type, "ClusterIP");
    const ing = find(ackOut.all, "Ingress", "oauth2-proxy", NS);
    assert.equal(ing.spec.ingressClassName, "alb");
    assert.equal(ing.spec.rules[0].host, new URL(ack.config.faas.oauth2Proxy.redirectUrl).hostname);
    assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, "oauth2-proxy");
    // ALB reaches only NodePort backends when the cluster runs Flannel.
    const flannel = synthFaas(environment("ack-managed", { cluster: { cni: "flannel" }, network: { podVswitches: [] } }));
    assert.equal(find(flannel.all, "Service", "oauth2-proxy", NS).spec.type, "NodePort");
  });

  it("gives the middleware the contract's environment, and its probes on /healthz and /readyz", () => {
    const mw = containers(find(localOut.all, "Deployment", "middleware"))[0];
    const env = Object.fromEntries(mw.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.deepEqual(env, {
      NATS_URL: `nats://nats.${NS}.svc.cluster.local:4222`,
      NATS_USER: "middleware",
      NATS_PASSWORD: { secretKeyRef: { name: "nats-credentials", key: "middleware-password" } },
      NATS_INBOX_PREFIX: "_INBOX_middleware",
      NATS_BUCKET_REPLICAS: String(local.config.faas.nats.replicas),
      EXECUTOR_NAMESPACE: EXEC_NS,
      EXECUTOR_POD_TEMPLATE_GO: "executor-go",
      EXECUTOR_POD_TEMPLATE_JAVASCRIPT: "executor-javascript",
      EXECUTOR_POD_TEMPLATE_C: "executor-c",
      HEALTH_PORT: String(local.config.faas.middleware.port),
      MAX_CONCURRENT_JOBS: String(local.config.faas.executors.maxPods),
      POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
    });
    assert.equal(mw.livenessProbe.httpGet.path, "/healthz");
    assert.equal(mw.readinessProbe.httpGet.path, "/readyz");
    assert.equal(mw.startupProbe.httpGet.path, "/healthz");
    assert.equal(mw.readinessProbe.httpGet.port, "health");
    assert.equal(mw.ports[0].containerPort, local.config.faas.middleware.port);
    const one = synthFaas(environment("local", { faas: { nats: { replicas: 1 } } }));
    assert.equal(containers(find(one.all, "Deployment", "middleware"))[0].env.find((e: any) => e.name === "NATS_BUCKET_REPLICAS").value, "1");
  });

  it("gives the frontend what it needs from NATS and Next.js, and probes /api/health", () => {
    const fe = containers(find(localOut.all, "Deployment", "frontend"))[0];
    const env = Object.fromEntries(fe.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.deepEqual(env, {
      NATS_URL: `nats://nats.${NS}.svc.cluster.local:4222`,
      NATS_USER: "frontend",
      NATS_PASSWORD: { secretKeyRef: { name: "nats-credentials", key: "frontend-password" } },
      NATS_INBOX_PREFIX: "_INBOX_frontend",
      PORT: String(local.config.faas.frontend.port),
      HOSTNAME: "0.0.0.0",
    });
    for (const p of [fe.livenessProbe, fe.readinessProbe, fe.startupProbe]) assert.equal(p.httpGet.path, "/api/health");
  });

  it("autoscales frontend and middleware within the configured bounds, spreading across nodes", () => {
    const f = local.config.faas;
    for (const [name, hpa] of [
      ["frontend", f.frontend.hpa],
      ["middleware", f.middleware.hpa],
    ] as const) {
      const h = find(localOut.all, "HorizontalPodAutoscaler", name, NS);
      assert.equal(h.spec.minReplicas, hpa.minReplicas);
      assert.equal(h.spec.maxReplicas, hpa.maxReplicas);
      assert.equal(h.spec.metrics[0].resource.target.averageUtilization, hpa.cpuUtilization);
      assert.deepEqual(h.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name });
      const d = find(localOut.all, "Deployment", name, NS);
      assert.equal(d.spec.replicas, undefined, "the HPA owns replicas");
      assert.deepEqual(d.spec.template.spec.topologySpreadConstraints, [
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: d.spec.selector.matchLabels } },
      ]);
      const c = containers(d)[0];
      assert.ok(c.resources.requests.cpu && c.resources.limits.memory && c.livenessProbe && c.readinessProbe, name);
      assert.ok(
        localOut.all.some((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name),
        `${name} PDB`,
      );
    }
  });

  it("adds a PodDisruptionBudget only when more than one replica runs", () => {
    const single = synthFaas(environment("local", { faas: { oauth2Proxy: { replicas: 1 }, frontend: { hpa: { minReplicas: 1 } } } }));
    const pdbs = single.all
      .filter((o) => o.kind === "PodDisruptionBudget")
      .map((o) => o.metadata.name)
      .sort();
    assert.deepEqual(pdbs, ["middleware", "nats"]);
  });
});

describe("NATS placement warning", () => {
  const placement = (w: readonly string[]) => w.filter((x) => /NATS servers share a node/.test(x));
  it("warns when local NATS servers outnumber the Kubernetes nodes (they would share nodes)", () => {
    const oneWorker = [{ name: "worker01", ip: "192.168.60.21", cpus: 3, memoryMiB: 4096 }];
    const three = synthFaas(environment("local", { workers: oneWorker, localVolumes: { perNode: 2 }, faas: { nats: { replicas: 3 } } }));
    const w = placement(three.warnings);
    assert.equal(w.length, 1, three.warnings.join("\n"));
    assert.match(w[0]!, /^local: faas\.nats\.replicas is 3 but there are 2 Kubernetes nodes \(control plane \+ workers\)/);
  });
  it("lets NATS run on the control plane locally (tolerating its taint), never elsewhere or on ACK", () => {
    const spec = (out: typeof localOut) => find(out.all, "StatefulSet", "nats").spec.template.spec;
    assert.deepEqual(spec(localOut).tolerations, [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }]);
    assert.equal(spec(ackOut).tolerations, undefined);
    for (const d of localOut.all.filter((o) => o.kind === "Deployment"))
      assert.equal(d.spec.template.spec.tolerations, undefined, `${d.metadata.name} stays off the control plane`);
  });
  it("is silent with one server per node (the default: 3 servers on master01, worker01, worker02), and on ACK", () => {
    assert.deepEqual(placement(localOut.warnings), []);
    assert.deepEqual(placement(synthFaas(environment("local", { faas: { nats: { replicas: 1 } } })).warnings), []);
    const threeWorkers = [21, 22, 23].map((n) => ({ name: `worker${n}`, ip: `192.168.60.${n}`, cpus: 3, memoryMiB: 4096 }));
    assert.deepEqual(placement(synthFaas(environment("local", { workers: threeWorkers })).warnings), []);
    assert.deepEqual(placement(ackOut.warnings), []);
  });
});

describe("executor image pre-pull", () => {
  const ds = find(localOut.all, "DaemonSet", "executor-image-prepull", EXEC_NS);
  const spec = ds.spec.template.spec;

  it("pulls every executor image on every worker with a no-op init container, then idles in pause", () => {
    const images = local.config.faas.executors.images;
    assert.deepEqual(
      spec.initContainers.map((c: any) => [c.name, c.image, c.command]),
      [
        ["pull-go", images.go, ["true"]],
        ["pull-javascript", images.javascript, ["true"]],
        ["pull-c", images.c, ["true"]],
      ],
    );
    assert.deepEqual(
      spec.containers.map((c: any) => c.image),
      ["registry.k8s.io/pause:3.10.1"],
    );
    const old = synthFaas(environment("local", { kubernetes: { version: "1.30" } }));
    assert.equal(
      find(old.all, "DaemonSet", "executor-image-prepull", EXEC_NS).spec.template.spec.containers[0].image,
      "registry.k8s.io/pause:3.9",
      "pause tag per minor",
    );
    for (const c of [...spec.initContainers, ...spec.containers]) {
      assert.deepEqual(c.resources.requests, { cpu: "10m", memory: "16Mi" }, c.name);
      assert.ok(isPinnedImage(c.image), c.image);
    }
    // Follows a changed executor image from config.
    const custom = synthFaas(environment("local", { faas: { executors: { images: { c: "docker.io/library/gcc:13.4.0" } } } }));
    assert.equal(find(custom.all, "DaemonSet", "executor-image-prepull", EXEC_NS).spec.template.spec.initContainers[2].image, "docker.io/library/gcc:13.4.0");
  });

  it("runs on worker nodes only, without a token, outside the executor selectors", () => {
    assert.equal(spec.tolerations, undefined, "no toleration: the control-plane taint keeps it off masters");
    assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
    ]);
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(spec.runtimeClassName, undefined);
    assert.notEqual(ds.spec.template.metadata.labels["app.kubernetes.io/name"], "executor", "not matched by executor selectors");
  });

  it("keeps job capacity exact: executors count in a Terminating-scoped quota, pre-pull pods in their own", () => {
    const exq = find(localOut.all, "ResourceQuota", "executor-quota", EXEC_NS);
    assert.deepEqual(exq.spec.scopes, ["Terminating"]);
    assert.equal(exq.spec.hard.pods, local.config.faas.executors.maxPods);
    const pq = find(localOut.all, "ResourceQuota", "executor-image-prepull-quota", EXEC_NS);
    assert.deepEqual(pq.spec.scopes, ["NotTerminating"]);
    assert.ok(local.kind === "local");
    const workers = local.config.workers.length;
    assert.deepEqual(pq.spec.hard, {
      pods: workers,
      "requests.cpu": `${10 * workers}m`,
      "limits.cpu": `${10 * workers}m`,
      "requests.memory": `${16 * workers}Mi`,
      "limits.memory": `${16 * workers}Mi`,
    });
    // Executors have a deadline (Terminating); the pre-pull pods have none (NotTerminating).
    assert.ok(find(localOut.all, "PodTemplate", "executor-go", EXEC_NS).template.spec.activeDeadlineSeconds > 0);
    assert.equal(spec.activeDeadlineSeconds, undefined);
    const objects = find(localOut.all, "ResourceQuota", "executor-objects", EXEC_NS);
    assert.equal(objects.spec.scopes, undefined);
    assert.equal(objects.spec.hard.services, 0);
    // On ACK, one pod per node the pool can grow to.
    const a = environment("ack-managed");
    assert.ok(a.kind === "ack");
    const ackPods = find(ackOut.all, "ResourceQuota", "executor-image-prepull-quota", EXEC_NS).spec.hard.pods;
    assert.equal(
      ackPods,
      a.config.nodePool.autoscaling.enabled ? Math.max(a.config.nodePool.autoscaling.maxSize, a.config.nodePool.desiredSize) : a.config.nodePool.desiredSize,
    );
  });
});
