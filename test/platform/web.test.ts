import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { SERVED_BY_HEADER, WEB_ROOT } from "../../src/contracts/platform";
import type { EnvironmentName } from "../../src/config/schema";
import type { ManifestObject } from "../support/k8s-validate";
import { testEnvironment } from "../support/synth-charts";
import { type Container, type PodSpec, allContainers, field, ofKind, one, podSpecs, synthPlatform } from "./helpers";

const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral"]);

/** PSS "restricted" violations of one pod (pod-security-admission v0.30 checks) plus our read-only root rule. */
function restrictedViolations(spec: PodSpec): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork) out.push("hostNetwork");
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name")!;
    if (!RESTRICTED_VOLUME_TYPES.has(type)) out.push(`volume ${String(v.name)} is ${type}`);
  }
  const containers: Container[] = [...(spec.initContainers ?? []), ...spec.containers];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation must be false`);
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) out.push(`${c.name}: runAsNonRoot`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccompProfile`);
    if (!sc.capabilities?.drop?.includes("ALL")) out.push(`${c.name}: capabilities.drop ALL`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE")) out.push(`${c.name}: capabilities.add`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${c.name}: readOnlyRootFilesystem`);
  }
  return out;
}

const CASES: { env: EnvironmentName; target: number }[] = [
  { env: "local", target: 10 },
  { env: "ack-managed", target: 4 },
  { env: "ack-dedicated", target: 4 },
];

for (const { env, target } of CASES) {
  describe(`web app (${env})`, () => {
    const { charts } = synthPlatform(env);
    const web = charts.get("50-web")!;
    const deploy = one(web, "Deployment", "web");
    const pod = field<PodSpec>(deploy, "spec.template.spec");
    const podLabels = field<Record<string, string>>(deploy, "spec.template.metadata.labels");

    it(`HPA (autoscaling/v2) targets the web Deployment: min 2, max 5, CPU ${target} % (the documents' values)`, () => {
      const hpa = one(web, "HorizontalPodAutoscaler");
      assert.equal(hpa.apiVersion, "autoscaling/v2");
      assert.equal(hpa.metadata?.namespace, deploy.metadata?.namespace);
      assert.deepEqual(field(hpa, "spec.scaleTargetRef"), { apiVersion: deploy.apiVersion, kind: "Deployment", name: deploy.metadata?.name });
      assert.equal(field(hpa, "spec.minReplicas"), 2);
      assert.equal(field(hpa, "spec.maxReplicas"), 5);
      assert.deepEqual(field(hpa, "spec.metrics"), [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } } },
      ]);
      assert.equal(field(deploy, "spec.replicas"), undefined, "the HPA owns replicas; a value here would be re-applied on every deploy");
    });

    it("a PodDisruptionBudget lets a drain take one web Pod at a time (minReplicas 2)", () => {
      const pdb = one(web, "PodDisruptionBudget", "web");
      assert.equal(pdb.metadata?.namespace, deploy.metadata?.namespace);
      assert.equal(field(pdb, "spec.maxUnavailable"), 1);
      assert.deepEqual(field(pdb, "spec.selector.matchLabels"), podLabels);
    });

    it("every container has CPU and memory requests, a memory limit and no CPU limit (the resources policy), liveness and readiness probes", () => {
      for (const { where, container, init } of allContainers([deploy])) {
        for (const r of ["cpu", "memory"]) assert.ok(container.resources?.requests?.[r], `${where} requests.${r}`);
        assert.ok(container.resources?.limits?.memory, `${where} limits.memory`);
        assert.equal(container.resources?.limits?.cpu, undefined, `${where}: no CPU limit (charts/shared/workload/resources.ts)`);
        if (!init) assert.ok(container.livenessProbe && container.readinessProbe, `${where} probes`);
      }
    });

    it("the namespace enforces, warns and audits Pod Security 'restricted' at the cluster's minor, and the pods meet it", () => {
      const ns = one(web, "Namespace", deploy.metadata?.namespace);
      const labels = ns.metadata?.labels ?? {};
      for (const mode of ["enforce", "warn", "audit"]) {
        assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        assert.equal(labels[`pod-security.kubernetes.io/${mode}-version`], `v${testEnvironment(env).config.kubernetes.version}`);
      }
      assert.deepEqual(restrictedViolations(pod), []);
      assert.equal(field(pod, "automountServiceAccountToken"), false);
    });

    it("replicas spread across nodes (maxSkew 1 on hostname, ScheduleAnyway) selecting the pods themselves", () => {
      const tsc = pod.topologySpreadConstraints ?? [];
      assert.equal(tsc.length, 1);
      assert.equal(tsc[0]!.maxSkew, 1);
      assert.equal(tsc[0]!.topologyKey, "kubernetes.io/hostname");
      assert.equal(tsc[0]!.whenUnsatisfiable, "ScheduleAnyway");
      assert.deepEqual(tsc[0]!.labelSelector, { matchLabels: podLabels });
    });

    it("serves the shared claim: nginx and php-fpm mount the web-content PVC at the document root; the page names its pod", () => {
      const claim = (pod.volumes ?? []).find((v) => "persistentVolumeClaim" in v)!;
      assert.deepEqual(claim.persistentVolumeClaim, { claimName: "web-content" });
      for (const name of ["nginx", "php-fpm"]) {
        const c = pod.containers.find((x) => x.name === name)!;
        assert.ok(
          c.volumeMounts?.some((m) => m.name === claim.name && m.mountPath === WEB_ROOT),
          `${name} mounts the claim at ${WEB_ROOT}`,
        );
      }
      const php = pod.containers.find((x) => x.name === "php-fpm")!;
      const env = Object.fromEntries((php.env ?? []).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
      assert.equal(env.POD_NAME, "metadata.name");
      assert.equal(env.POD_IP, "status.podIP");
      const files = field<Record<string, string>>(one(web, "ConfigMap"), "data");
      assert.match(files["index.php"]!, /getenv\('POD_NAME'\)/);
      assert.match(files["index.php"]!, /getenv\('POD_IP'\)/);
      assert.ok(files["index.php"]!.includes(`header('${SERVED_BY_HEADER}: `));
      // php-fpm clears the environment unless the pool passes these through.
      assert.match(files["zzz-clusterkit.conf"]!, /env\[POD_NAME\] = \$POD_NAME/);
      assert.match(files["default.conf"]!, new RegExp(`root ${WEB_ROOT};`));
      // The seed step writes the page onto the claim (the only writable mount of the claim).
      const seed = pod.initContainers?.find((c) => c.name === "seed-content");
      assert.ok(seed?.volumeMounts?.some((m) => m.name === claim.name && m.readOnly !== true));
      assert.ok(
        pod.containers.every((c) => c.volumeMounts?.find((m) => m.name === claim.name)?.readOnly === true),
        "serving containers mount it read-only",
      );
    });

    it("NetworkPolicies: default deny in and out, HTTP in to the web pods on the container port only, DNS out only", () => {
      const policies = ofKind(web, "NetworkPolicy");
      const spec = (p: ManifestObject) => field<Record<string, unknown>>(p, "spec");
      const deny = policies.find((p) => JSON.stringify(spec(p).podSelector) === "{}" && !spec(p).ingress && !spec(p).egress)!;
      assert.ok(deny, "a default-deny policy");
      assert.deepEqual(spec(deny).policyTypes, ["Ingress", "Egress"]);
      const ingressRules = policies.flatMap((p) =>
        ((spec(p).ingress as unknown[] | undefined) ?? []).map((r) => ({ p, r: r as { from?: unknown; ports: { protocol: string; port: number }[] } })),
      );
      assert.equal(ingressRules.length, 1);
      assert.deepEqual(field(ingressRules[0]!.p, "spec.podSelector"), { matchLabels: podLabels });
      const nginxPort = pod.containers.find((c) => c.name === "nginx")! as Container & { ports: { containerPort: number }[] };
      assert.deepEqual(ingressRules[0]!.r.ports, [{ protocol: "TCP", port: nginxPort.ports[0]!.containerPort }]);
      assert.ok([80, 8080].includes(nginxPort.ports[0]!.containerPort));
      const egressRules = policies.flatMap((p) => (spec(p).egress as { ports: { protocol: string; port: number }[] }[] | undefined) ?? []);
      assert.equal(egressRules.length, 1);
      assert.deepEqual(egressRules[0]!.ports.map((x) => `${x.protocol}/${x.port}`).sort(), ["TCP/53", "UDP/53"]);
      assert.ok(policies.every((p) => p.metadata?.namespace === deploy.metadata?.namespace));
    });

    it("the Service selects the web pods and targets the nginx port", () => {
      const svc = one(web, "Service", "web");
      assert.equal(field(svc, "spec.type"), env === "local" ? "LoadBalancer" : "ClusterIP");
      for (const [k, v] of Object.entries(field<Record<string, string>>(svc, "spec.selector"))) assert.equal(podLabels[k], v);
      const [port] = field<{ port: number; targetPort: string }[]>(svc, "spec.ports");
      assert.equal(port!.port, 80);
      assert.ok(pod.containers.some((c) => (c as Container & { ports?: { name: string }[] }).ports?.some((p) => p.name === port!.targetPort)));
      assert.equal(ofKind(web, "Ingress").length, env === "local" ? 0 : 1);
    });
  });
}

describe("web app configuration flows from config", () => {
  it("HPA bounds and target, namespace and size follow config", () => {
    const { charts } = synthPlatform("local", {
      webApp: { namespace: "demo", storageSize: "3Gi", hpa: { minReplicas: 3, maxReplicas: 9, cpuUtilization: 55 } },
    });
    const web = charts.get("50-web")!;
    const hpa = one(web, "HorizontalPodAutoscaler");
    assert.equal(hpa.metadata?.namespace, "demo");
    assert.equal(field(hpa, "spec.minReplicas"), 3);
    assert.equal(field(hpa, "spec.maxReplicas"), 9);
    assert.equal(field(hpa, "spec.metrics.0.resource.target.averageUtilization"), 55);
    assert.equal(field(one(web, "PersistentVolumeClaim"), "spec.resources.requests.storage"), "3Gi");
    assert.deepEqual(field(one(charts.get("40-storage")!, "PersistentVolume", "web-content"), "spec.claimRef"), { namespace: "demo", name: "web-content" });
  });

  it("the restricted check used above catches a violation (it is not vacuous)", () => {
    const { charts } = synthPlatform("local");
    const pod = podSpecs(charts.get("50-web")!)[0]!.spec;
    const broken: PodSpec = JSON.parse(JSON.stringify(pod)) as PodSpec;
    delete broken.containers[0]!.securityContext!.allowPrivilegeEscalation;
    broken.volumes = [...(broken.volumes ?? []), { name: "host", hostPath: { path: "/" } }];
    assert.deepEqual(restrictedViolations(broken), ["volume host is hostPath", "nginx: allowPrivilegeEscalation must be false"]);
  });
});
