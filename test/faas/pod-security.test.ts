import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { podSpecsOf, restrictedViolations } from "../support/pod-security";

/** A pod that meets every restricted rule; each case below breaks exactly one. */
function goodPod(): Record<string, any> {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      { name: "app", image: "x:1", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }, ports: [{ containerPort: 8080 }] },
    ],
    volumes: [
      { name: "tmp", emptyDir: {} },
      { name: "cfg", configMap: { name: "c" } },
      { name: "data", persistentVolumeClaim: { claimName: "d" } },
    ],
  };
}

function violationsAfter(mutate: (p: Record<string, any>) => void): string[] {
  const p = goodPod();
  mutate(p);
  return restrictedViolations(p);
}

describe("Pod Security restricted checker", () => {
  it("passes a compliant pod", () => {
    assert.deepEqual(restrictedViolations(goodPod()), []);
  });

  const cases: [string, (p: Record<string, any>) => void, RegExp][] = [
    ["hostNetwork", (p) => (p.hostNetwork = true), /spec\.hostNetwork/],
    ["hostPID", (p) => (p.hostPID = true), /spec\.hostPID/],
    ["hostIPC", (p) => (p.hostIPC = true), /spec\.hostIPC/],
    ["privileged", (p) => (p.containers[0].securityContext.privileged = true), /privileged/],
    ["capability add NET_ADMIN", (p) => (p.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]), /NET_ADMIN is forbidden even by baseline/],
    ["capability add CHOWN", (p) => (p.containers[0].securityContext.capabilities.add = ["CHOWN"]), /only NET_BIND_SERVICE/],
    ["drop without ALL", (p) => (p.containers[0].securityContext.capabilities.drop = ["NET_RAW"]), /drop: must include ALL/],
    ["hostPath volume", (p) => p.volumes.push({ name: "h", hostPath: { path: "/" } }), /hostPath volumes are forbidden/],
    ["inline nfs volume", (p) => p.volumes.push({ name: "n", nfs: { server: "s", path: "/" } }), /\.nfs: volume type not allowed/],
    ["hostPort", (p) => (p.containers[0].ports[0].hostPort = 80), /hostPort/],
    [
      "allowPrivilegeEscalation unset",
      (p) => delete p.containers[0].securityContext.allowPrivilegeEscalation,
      /allowPrivilegeEscalation: must be set to false/,
    ],
    ["allowPrivilegeEscalation true", (p) => (p.containers[0].securityContext.allowPrivilegeEscalation = true), /allowPrivilegeEscalation/],
    ["runAsNonRoot missing", (p) => delete p.securityContext.runAsNonRoot, /runAsNonRoot: must be true/],
    ["container runAsNonRoot false", (p) => (p.containers[0].securityContext.runAsNonRoot = false), /runAsNonRoot: must not be false/],
    ["pod runAsUser 0", (p) => (p.securityContext.runAsUser = 0), /spec\.securityContext\.runAsUser: must not be 0/],
    ["container runAsUser 0", (p) => (p.containers[0].securityContext.runAsUser = 0), /containers\[0\]\.securityContext\.runAsUser/],
    ["seccomp missing", (p) => delete p.securityContext.seccompProfile, /seccompProfile\.type: must be RuntimeDefault or Localhost/],
    ["seccomp Unconfined", (p) => (p.containers[0].securityContext.seccompProfile = { type: "Unconfined" }), /Unconfined not allowed/],
    ["unsafe sysctl", (p) => (p.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]), /kernel\.msgmax.*safe set/],
    ["init container", (p) => (p.initContainers = [{ name: "init", image: "x:1" }]), /initContainers\[0\]\.securityContext\.allowPrivilegeEscalation/],
    ["SELinux user", (p) => (p.securityContext.seLinuxOptions = { user: "root" }), /seLinuxOptions\.user/],
    ["procMount", (p) => (p.containers[0].securityContext.procMount = "Unmasked"), /procMount/],
  ];
  for (const [name, mutate, pattern] of cases) {
    it(`catches ${name}`, () => {
      const found = violationsAfter(mutate);
      assert.ok(
        found.some((v) => pattern.test(v)),
        `expected ${pattern} in:\n${found.join("\n")}`,
      );
    });
  }

  it("accepts safe sysctls, NET_BIND_SERVICE and container-level seccomp", () => {
    assert.deepEqual(
      violationsAfter((p) => {
        p.securityContext.sysctls = [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }];
        p.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"];
        delete p.securityContext.seccompProfile;
        p.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "x.json" };
      }),
      [],
    );
  });

  it("finds pod specs in workloads and PodTemplates", () => {
    const found = podSpecsOf([
      { kind: "Deployment", metadata: { name: "d", namespace: "n" }, spec: { template: { spec: goodPod() } } },
      { kind: "PodTemplate", metadata: { name: "t", namespace: "n" }, template: { spec: goodPod() } },
      { kind: "ConfigMap", metadata: { name: "c" } },
    ]);
    assert.deepEqual(
      found.map((f) => f.where),
      ["Deployment n/d", "PodTemplate n/t"],
    );
  });
});
