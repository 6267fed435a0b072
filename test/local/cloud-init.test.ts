import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect } from "@jest/globals";
import { parse } from "yaml";
import { KUBEADM_INIT_CONFIG, KUBEADM_JOIN_CONFIG, DISCOVERY_KUBECONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { WORKER_CA_FILE } from "../../stacks/local/cloud-init/k8s-node";
import { BOOT_STEPS_SCRIPT } from "../../stacks/local/cloud-init/scripts/boot-steps";
import { metaData } from "../../stacks/local/cloud-init/meta-data";
import { toTerraformString } from "../../stacks/local/cloud-init/terraform-text";
import { scratchDir } from "../support/cli";
import { type Block, SAMPLE_SECRETS, localConfig, parseUserData, renderAll, writeFile, yamlDocuments } from "./support";

const config135 = localConfig();
const config130 = localConfig({ kubernetes: { version: "1.30" } });
const seeds = renderAll(config135);
const seeds130 = renderAll(config130);

function seed(name: string, from = seeds) {
  const s = from.get(name);
  assert.ok(s, `no seed for ${name}`);
  return s;
}

/** The steps the boot runner calls, in order; runcmd holds only the runner. */
function bootSteps(doc: ReturnType<typeof parseUserData>): string[] {
  assert.deepEqual(doc.runcmd, [[BOOT_STEPS_SCRIPT]], "runcmd is the single fail-fast runner");
  const runner = writeFile(doc, BOOT_STEPS_SCRIPT).content;
  return [...runner.matchAll(/^run_step '([^']+)'$/gm)].map((m) => m[1]!);
}

function kubeadmDocs(name: string, path: string, from = seeds): Record<string, Block> {
  const docs = yamlDocuments(writeFile(parseUserData(seed(name, from)["user-data"]), path).content);
  return Object.fromEntries(docs.map((d) => [String(d.kind), d]));
}

describe("seed network-config (netplan v2)", () => {
  for (const [name, ip] of [["master01", "192.168.60.11"], ["worker01", "192.168.60.21"], ["worker02", "192.168.60.22"], ["nfs01", "192.168.60.30"]]) {
    it(`gives ${name} ${ip}/24 on the host-only NIC, DHCP on NAT, and no gateway`, () => {
      const net = parse(seed(name)["network-config"]) as { version: number; ethernets: Record<string, Block> };
      assert.equal(net.version, 2);
      assert.deepEqual(net.ethernets.enp0s8, { dhcp4: false, addresses: [`${ip}/24`] });
      assert.deepEqual(net.ethernets.enp0s3, { dhcp4: true });
      assert.doesNotMatch(seed(name)["network-config"], /gateway|routes/);
    });
  }

  it("follows the network prefix and interface names from config", () => {
    const c = localConfig({
      network: { cidr: "192.168.56.0/21", hostIp: "192.168.56.1", guestInterface: "eth1", natInterface: "eth0" },
      controlPlane: { ip: "192.168.57.11" },
      workers: [{ name: "worker01", ip: "192.168.57.21", cpus: 2, memoryMiB: 2048 }],
      nfs: { ip: "192.168.57.30" },
      metallb: { addressStart: "192.168.58.1", addressEnd: "192.168.58.50" },
    });
    const net = parse(renderAll(c).get("worker01")?.["network-config"] ?? "") as { ethernets: Record<string, Block> };
    assert.deepEqual(net.ethernets, { eth0: { dhcp4: true }, eth1: { dhcp4: false, addresses: ["192.168.57.21/21"] } });
  });
});

describe("seed meta-data", () => {
  it("names the host and ties the instance-id to the user-data content", () => {
    const m = parse(seed("worker01")["meta-data"]) as { "instance-id": string; "local-hostname": string };
    assert.equal(m["local-hostname"], "worker01");
    assert.match(m["instance-id"], /^worker01-[0-9a-f]{16}$/);
    assert.notEqual(metaData("worker01", "a"), metaData("worker01", "b"));
    assert.equal(metaData("worker01", "a"), metaData("worker01", "a"));
    assert.notEqual(seed("worker01")["meta-data"], seed("worker01", seeds130)["meta-data"]);
  });
});

describe("seed user-data: every node", () => {
  it("sets the hostname and lists every node in /etc/hosts by host-only address", () => {
    for (const [name, s] of seeds) {
      const doc = parseUserData(s["user-data"]);
      assert.equal(doc.hostname, name);
      assert.equal(doc.manage_etc_hosts, false);
      const hosts = writeFile(doc, "/etc/hosts").content;
      for (const line of ["192.168.60.11 master01", "192.168.60.21 worker01", "192.168.60.22 worker02", "192.168.60.30 nfs01"]) {
        assert.ok(hosts.split("\n").includes(line), `${name}: /etc/hosts lacks "${line}"`);
      }
      assert.doesNotMatch(hosts, /127\.0\.1\.1/);
    }
  });
});

describe("seed user-data: Kubernetes nodes", () => {
  for (const name of ["master01", "worker01", "worker02"]) {
    it(`${name}: modules, sysctls, NFS client and a pinned, held Kubernetes toolchain`, () => {
      const doc = parseUserData(seed(name)["user-data"]);
      assert.deepEqual(writeFile(doc, "/etc/modules-load.d/clusterkit-k8s.conf").content.trim().split("\n"), ["overlay", "br_netfilter"]);
      const sysctls = writeFile(doc, "/etc/sysctl.d/99-clusterkit-k8s.conf").content;
      for (const s of ["net.bridge.bridge-nf-call-iptables = 1", "net.bridge.bridge-nf-call-ip6tables = 1", "net.ipv4.ip_forward = 1"]) assert.ok(sysctls.includes(s), s);
      assert.ok(doc.packages.includes("nfs-common"));
      assert.ok(doc.packages.includes("containerd"));
      const prep = writeFile(doc, "/usr/local/sbin/clusterkit-node-prep.sh").content;
      assert.match(prep, /^K8S_MINOR='1\.35'$/m);
      assert.match(prep, /^K8S_DEB_VERSION='1\.35\.7-1\.1'$/m);
      assert.match(prep, /^PAUSE_IMAGE='registry\.k8s\.io\/pause:3\.10\.1'$/m);
      assert.match(prep, /https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v\$K8S_MINOR\/deb\//);
      assert.match(prep, /apt-get install .*"kubelet=\$K8S_DEB_VERSION" "kubeadm=\$K8S_DEB_VERSION" "kubectl=\$K8S_DEB_VERSION"/);
      assert.match(prep, /^apt-mark hold kubelet kubeadm kubectl$/m);
      assert.match(prep, /^swapoff -a$/m);
      assert.match(prep, /\/etc\/fstab/);
      assert.match(prep, /SystemdCgroup/);
      assert.equal(bootSteps(doc)[0], "/usr/local/sbin/clusterkit-node-prep.sh");
    });
  }

  it("pins 1.30 packages and pause image when 1.30 is configured", () => {
    const prep = writeFile(parseUserData(seed("worker01", seeds130)["user-data"]), "/usr/local/sbin/clusterkit-node-prep.sh").content;
    assert.match(prep, /^K8S_MINOR='1\.30'$/m);
    assert.match(prep, /^K8S_DEB_VERSION='1\.30\.14-1\.1'$/m);
    assert.match(prep, /^PAUSE_IMAGE='registry\.k8s\.io\/pause:3\.9'$/m);
  });
});

describe("seed user-data: control plane", () => {
  const doc = parseUserData(seed("master01")["user-data"]);

  it("stages the Terraform CA for kubeadm init outside /etc/kubernetes/pki (kubeadm reset deletes that)", () => {
    const crt = writeFile(doc, "/etc/clusterkit/ca.crt");
    const key = writeFile(doc, "/etc/clusterkit/ca.key");
    assert.ok(!doc.write_files.some((f) => f.path.startsWith("/etc/kubernetes/")));
    assert.deepEqual([crt.content, crt.encoding, crt.permissions], [SAMPLE_SECRETS.caCertPemBase64, "b64", "0644"]);
    assert.deepEqual([key.content, key.encoding, key.permissions], [SAMPLE_SECRETS.caKeyPemBase64, "b64", "0600"]);
    assert.deepEqual(bootSteps(doc), [
      "/usr/local/sbin/clusterkit-node-prep.sh",
      "/usr/local/sbin/clusterkit-containerd-registry.sh",
      "/usr/local/sbin/clusterkit-local-volumes.sh",
      "/usr/local/sbin/clusterkit-kubeadm-init.sh",
    ]);
    const init = writeFile(doc, "/usr/local/sbin/clusterkit-kubeadm-init.sh").content;
    assert.match(init, /if \[ -f \/etc\/kubernetes\/admin\.conf \]; then[\s\S]*exit 0/, "init must be skipped once done");
    assert.match(init, /kubeadm init --config "\$KUBEADM_CONFIG"/);
    assert.equal(writeFile(doc, KUBEADM_INIT_CONFIG).permissions, "0600");
  });

  it("ships a helper that renews the bootstrap token read from the kubeadm config", () => {
    const helper = writeFile(doc, "/usr/local/sbin/clusterkit-bootstrap-token.sh").content;
    assert.match(helper, /^KUBEADM_CONFIG='\/etc\/clusterkit\/kubeadm-init\.yaml'$/m);
    assert.match(helper, /kubeadm token create "\$token" --ttl "\$TTL"/);
    // The awk in the helper must find the token in the config as rendered.
    const line = writeFile(doc, KUBEADM_INIT_CONFIG).content.split("\n").find((l) => /(^|\s)token:/.test(l)) ?? "";
    assert.equal(line.trim().split(/\s+/).at(-1), SAMPLE_SECRETS.bootstrapToken);
    assert.match(line, /^\s*- token: /);
    assert.ok(!bootSteps(doc).includes("/usr/local/sbin/clusterkit-bootstrap-token.sh"), "must not run at boot");
  });

  for (const [label, from, api, version, extraArgs] of [
    ["1.35 (v1beta4)", seeds, "kubeadm.k8s.io/v1beta4", "v1.35.7", [{ name: "node-ip", value: "192.168.60.11" }]],
    ["1.30 (v1beta3)", seeds130, "kubeadm.k8s.io/v1beta3", "v1.30.14", { "node-ip": "192.168.60.11" }],
  ] as const) {
    it(`kubeadm init config for ${label}`, () => {
      const docs = kubeadmDocs("master01", KUBEADM_INIT_CONFIG, from);
      const init = docs.InitConfiguration as { apiVersion: string; localAPIEndpoint: Block; nodeRegistration: Block; bootstrapTokens: Block[] };
      const cluster = docs.ClusterConfiguration as { apiVersion: string; networking: Block; apiServer: { certSANs: string[] } } & Block;
      assert.equal(init.apiVersion, api);
      assert.equal(cluster.apiVersion, api);
      assert.equal(init.localAPIEndpoint.advertiseAddress, "192.168.60.11");
      assert.deepEqual(init.nodeRegistration.kubeletExtraArgs, extraArgs);
      assert.equal(init.nodeRegistration.name, "master01");
      assert.equal(init.bootstrapTokens[0]?.token, SAMPLE_SECRETS.bootstrapToken);
      assert.equal(init.bootstrapTokens[0]?.ttl, "24h0m0s");
      assert.equal(cluster.kubernetesVersion, version);
      assert.equal(cluster.controlPlaneEndpoint, "192.168.60.11:6443");
      assert.deepEqual(cluster.networking, { podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12" });
      assert.ok(cluster.apiServer.certSANs.includes("192.168.60.11"));
      assert.equal((docs.KubeletConfiguration as Block).cgroupDriver, "systemd");
    });
  }

  it("takes subnets and addresses from config", () => {
    const c = localConfig({ kubernetes: { podCidr: "10.32.0.0/16", serviceCidr: "10.100.0.0/16" }, controlPlane: { ip: "192.168.60.12" } });
    const docs = yamlDocuments(writeFile(parseUserData(renderAll(c).get("master01")?.["user-data"] ?? ""), KUBEADM_INIT_CONFIG).content);
    const cluster = docs.find((d) => d.kind === "ClusterConfiguration") as Block;
    assert.deepEqual(cluster.networking, { podSubnet: "10.32.0.0/16", serviceSubnet: "10.100.0.0/16" });
    assert.equal(cluster.controlPlaneEndpoint, "192.168.60.12:6443");
  });
});

describe("seed user-data: workers", () => {
  for (const [label, from, extraArgs] of [
    ["1.35 (v1beta4)", seeds, [{ name: "node-ip", value: "192.168.60.22" }]],
    ["1.30 (v1beta3)", seeds130, { "node-ip": "192.168.60.22" }],
  ] as const) {
    it(`joins with file discovery pinned to the cluster CA, ${label}`, () => {
      const userData = seed("worker02", from)["user-data"];
      const doc = parseUserData(userData);
      const join = kubeadmDocs("worker02", KUBEADM_JOIN_CONFIG, from).JoinConfiguration as { discovery: Block; nodeRegistration: Block };
      assert.deepEqual(join.discovery, { file: { kubeConfigPath: DISCOVERY_KUBECONFIG }, tlsBootstrapToken: SAMPLE_SECRETS.bootstrapToken });
      assert.deepEqual(join.nodeRegistration.kubeletExtraArgs, extraArgs);
      assert.equal(join.nodeRegistration.name, "worker02");
      const discovery = parse(writeFile(doc, DISCOVERY_KUBECONFIG).content) as { clusters: { cluster: Block }[] };
      assert.deepEqual(discovery.clusters[0]?.cluster, { server: "https://192.168.60.11:6443", "certificate-authority-data": SAMPLE_SECRETS.caCertPemBase64 });
      assert.doesNotMatch(userData, /unsafeSkipCAVerification|unsafe-skip-ca-verification/);
      // The CA stays out of /etc/kubernetes/pki on workers: kubeadm join's preflight refuses an existing ca.crt.
      assert.ok(!doc.write_files.some((f) => f.path.startsWith("/etc/kubernetes/")));
      assert.equal(writeFile(doc, WORKER_CA_FILE).content, SAMPLE_SECRETS.caCertPemBase64);
    });
  }

  it("waits for the API (verified by the CA) for a bounded time, then joins with retries", () => {
    const doc = parseUserData(seed("worker01")["user-data"]);
    const join = writeFile(doc, "/usr/local/sbin/clusterkit-kubeadm-join.sh").content;
    assert.match(join, /^API_SERVER='https:\/\/192\.168\.60\.11:6443'$/m);
    assert.match(join, /^WAIT_SECONDS=1800$/m);
    assert.match(join, /curl [^\n]*--cacert "\$CA_FILE" "\$API_SERVER\/readyz"/);
    assert.match(join, /until kubeadm join --config "\$KUBEADM_CONFIG"; do/);
    assert.match(join, /if \[ -f \/etc\/kubernetes\/kubelet\.conf \]; then[\s\S]*exit 0/);
    assert.equal(bootSteps(doc).at(-1), "/usr/local/sbin/clusterkit-kubeadm-join.sh");
  });

  it("creates the local volume directories from config", () => {
    const doc = parseUserData(renderAll(localConfig({ localVolumes: { path: "/data/pv", perNode: 5 } })).get("worker01")?.["user-data"] ?? "");
    const script = writeFile(doc, "/usr/local/sbin/clusterkit-local-volumes.sh").content;
    // The same directories the storage chart's local PersistentVolumes point at (charts/platform/local-storage.ts).
    assert.match(script, /^DIRS='\/data\/pv\/vol01 \/data\/pv\/vol02 \/data\/pv\/vol03 \/data\/pv\/vol04 \/data\/pv\/vol05'$/m);
    assert.ok(bootSteps(doc).includes("/usr/local/sbin/clusterkit-local-volumes.sh"));
  });

  it("installs gVisor, checked against its sha512, before joining, only when executors are sandboxed", () => {
    const doc = parseUserData(seed("worker01")["user-data"]);
    const gvisor = writeFile(doc, "/usr/local/sbin/clusterkit-gvisor.sh").content;
    assert.match(gvisor, /^GVISOR_RELEASE='20250820\.0'$/m);
    assert.match(gvisor, /https:\/\/storage\.googleapis\.com\/gvisor\/releases\/release\/\$GVISOR_RELEASE\/x86_64/);
    assert.match(gvisor, /sha512sum -c runsc\.sha512 containerd-shim-runsc-v1\.sha512/);
    assert.match(gvisor, /runtime_type = "io\.containerd\.runsc\.v1"/);
    assert.match(gvisor, /systemctl restart containerd/);
    const order = bootSteps(doc);
    assert.ok(order.indexOf("/usr/local/sbin/clusterkit-gvisor.sh") < order.indexOf("/usr/local/sbin/clusterkit-kubeadm-join.sh"));
    const master = parseUserData(seed("master01")["user-data"]);
    assert.ok(!master.write_files.some((f) => f.path.includes("gvisor")));
    const off = parseUserData(renderAll(localConfig({ faas: { executors: { sandbox: false } } })).get("worker01")?.["user-data"] ?? "");
    assert.ok(!off.write_files.some((f) => f.path.includes("gvisor")));
    assert.ok(!bootSteps(off).some((step) => step.includes("gvisor")));
  });

  it("matches the join config snapshot", () => {
    const text = writeFile(parseUserData(seed("worker01")["user-data"]), KUBEADM_JOIN_CONFIG).content;
    expect(text).toMatchSnapshot();
  });
});

describe("control plane init retries", () => {
  /**
   * Runs master01's rendered init script with its absolute paths moved under a scratch folder and
   * a fake kubeadm whose first `failures` inits fail after leaving junk in pki/ (as a real one does).
   */
  function runInit(failures: number) {
    const master = parseUserData(seed("master01")["user-data"]);
    const dir = scratchDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const log = join(dir, "kubeadm.log");
    const pki = `${dir}/etc/kubernetes/pki`;
    for (const path of ["/etc/clusterkit/ca.crt", "/etc/clusterkit/ca.key", KUBEADM_INIT_CONFIG]) {
      mkdirSync(join(dir, "etc", "clusterkit"), { recursive: true });
      writeFileSync(join(dir, path), `content of ${path}\n`);
    }
    const tool = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    tool("sleep", "exit 0");
    tool(
      "kubeadm",
      `case "$1" in
  config) exit 0 ;;
  init)
    if cmp -s '${pki}/ca.key' '${dir}/etc/clusterkit/ca.key' && cmp -s '${pki}/ca.crt' '${dir}/etc/clusterkit/ca.crt'; then echo init-with-ca >> '${log}'; else echo init-without-ca >> '${log}'; fi
    n=$(grep -c '^init' '${log}')
    if [ "$n" -le ${failures} ]; then echo half > '${pki}/apiserver.crt'; exit 1; fi
    echo admin > '${dir}/etc/kubernetes/admin.conf' ;;
  reset) rm -rf '${pki}'; echo reset >> '${log}' ;;
esac`,
    );
    const script = join(dir, "init.sh");
    const text = writeFile(master, "/usr/local/sbin/clusterkit-kubeadm-init.sh").content;
    writeFileSync(script, text.replaceAll("/etc/", `${dir}/etc/`).replaceAll("/root/", `${dir}/root/`));
    const r = spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return { status: r.status, stderr: r.stderr, log: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [], dir };
  }

  it("re-stages the CA after each kubeadm reset, so every attempt signs with the Terraform CA", () => {
    const r = runInit(2);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.log, ["init-with-ca", "reset", "init-with-ca", "reset", "init-with-ca"]);
    assert.ok(existsSync(join(r.dir, "root", ".kube", "config")));
  });

  it("gives up after 3 attempts with a clear message", () => {
    const r = runInit(5);
    assert.notEqual(r.status, 0);
    assert.equal(r.log.filter((l) => l.startsWith("init")).length, 3);
    assert.match(r.stderr, /kubeadm init failed 3 times/);
  });
});

describe("boot runner", () => {
  const WORKER_STEPS = ["node-prep", "containerd-registry", "local-volumes", "gvisor", "kubeadm-join"];

  /** Runs worker01's rendered runner with each step replaced by a stub; `fails` exits 7. */
  function runWorkerBoot(fails?: string) {
    const runner = writeFile(parseUserData(seed("worker01")["user-data"]), BOOT_STEPS_SCRIPT).content;
    const dir = scratchDir();
    const log = join(dir, "ran.log");
    for (const step of WORKER_STEPS) {
      const file = join(dir, `clusterkit-${step}.sh`);
      writeFileSync(file, `#!/bin/sh\necho ${step} >> '${log}'\n${step === fails ? "exit 7\n" : ""}`);
      chmodSync(file, 0o755);
    }
    const script = join(dir, "boot.sh");
    writeFileSync(script, runner.replaceAll("/usr/local/sbin/", `${dir}/`));
    const r = spawnSync("bash", [script], { encoding: "utf8" });
    return { status: r.status, stderr: r.stderr, ran: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [] };
  }

  it("runs prep, the registry config, local volumes, gVisor, then join, in that order", () => {
    const r = runWorkerBoot();
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.ran, WORKER_STEPS);
  });

  it("stops at the first failing step with its exit code, so a worker never joins after a failed preparation", () => {
    const prep = runWorkerBoot("node-prep");
    assert.equal(prep.status, 7);
    assert.deepEqual(prep.ran, ["node-prep"]);
    assert.match(prep.stderr, /clusterkit-node-prep\.sh failed \(exit 7\); the later steps were not run/);
    const gvisor = runWorkerBoot("gvisor");
    assert.equal(gvisor.status, 7);
    assert.deepEqual(gvisor.ran, ["node-prep", "containerd-registry", "local-volumes", "gvisor"], "no join without the sandbox runtime");
  });
});

describe("seed user-data: NFS server", () => {
  it("exports the configured path to the host-only network, squashed to nobody", () => {
    const doc = parseUserData(seed("nfs01")["user-data"]);
    assert.ok(doc.packages.includes("nfs-kernel-server"));
    assert.ok(!doc.packages.includes("containerd"));
    const script = writeFile(doc, "/usr/local/sbin/clusterkit-nfs-server.sh").content;
    assert.match(script, /^EXPORT_PATH='\/srv\/nfs\/k8s'$/m);
    assert.match(script, /^CLIENTS='192\.168\.60\.0\/24'$/m);
    assert.match(script, /"\$EXPORT_PATH \$CLIENTS\(rw,sync,no_subtree_check,all_squash,anonuid=65534,anongid=65534\)"/);
    assert.match(script, /install -d -m 0775 -o 65534 -g 65534 "\$EXPORT_PATH"/);
    assert.deepEqual(bootSteps(doc), ["/usr/local/sbin/clusterkit-nfs-server.sh", "/usr/local/sbin/clusterkit-image-registry.sh"]);
  });
});

describe("Terraform string escaping", () => {
  it("escapes template sequences, then substitutes expressions", () => {
    assert.equal(toTerraformString('echo "${HOME}" %{x} P', { P: "${var.y}" }), 'echo "$${HOME}" %%{x} ${var.y}');
  });
});
