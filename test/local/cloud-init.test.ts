import assert from "node:assert/strict";
import { GVISOR, KATA } from "../../src/config/runtime-releases";
import { spawnSync } from "node:child_process";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect } from "@jest/globals";
import { parse } from "yaml";
import { KUBEADM_INIT_CONFIG, KUBEADM_JOIN_CONFIG, DISCOVERY_KUBECONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { WORKER_CA_FILE } from "../../stacks/local/cloud-init/k8s-node";
import { BOOT_STATE_DIR, BOOT_STEPS_SCRIPT, BOOT_UNIT_FILE } from "../../stacks/local/cloud-init/scripts/boot-steps";
import { PACKAGES_SCRIPT } from "../../stacks/local/cloud-init/scripts/packages";
import { SEAL_SEED_RULE, SEAL_SEED_SCRIPT } from "../../stacks/local/cloud-init/scripts/seal-seed";
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

/** The packages the packages boot step installs. */
function packages(doc: ReturnType<typeof parseUserData>): string[] {
  return /^PACKAGES='([^']*)'$/m.exec(writeFile(doc, PACKAGES_SCRIPT).content)?.[1]?.split(" ") ?? [];
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
  for (const [name, ip] of [
    ["master01", "192.168.60.11"],
    ["worker01", "192.168.60.21"],
    ["worker02", "192.168.60.22"],
    ["nfs01", "192.168.60.30"],
  ]) {
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
      for (const s of ["net.bridge.bridge-nf-call-iptables = 1", "net.bridge.bridge-nf-call-ip6tables = 1", "net.ipv4.ip_forward = 1"])
        assert.ok(sysctls.includes(s), s);
      assert.ok(packages(doc).includes("nfs-common"));
      assert.ok(packages(doc).includes("containerd"));
      assert.equal(doc.packages, undefined, "no cloud-init packages module: it neither retries nor stops the boot");
      assert.equal(doc.package_update, undefined);
      const prep = writeFile(doc, "/usr/local/sbin/clusterkit-node-prep.sh").content;
      // One pkgs.k8s.io repository per minor, from the artefact table.
      assert.match(prep, /^K8S_APT_REPOSITORY='https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.35\/deb\/'$/m);
      assert.match(prep, /^K8S_DEB_VERSION='1\.35\.7-1\.1'$/m);
      assert.match(prep, /^PAUSE_IMAGE='registry\.k8s\.io\/pause:3\.10\.1'$/m);
      assert.match(prep, /curl -fsSL "\$K8S_APT_REPOSITORY"Release\.key /);
      assert.match(prep, /^echo "deb \[signed-by=\$KEYRING\] \$K8S_APT_REPOSITORY \/"/m);
      assert.match(prep, /apt-get install .*"kubelet=\$K8S_DEB_VERSION" "kubeadm=\$K8S_DEB_VERSION" "kubectl=\$K8S_DEB_VERSION"/);
      assert.match(prep, /^apt-mark hold kubelet kubeadm kubectl$/m);
      assert.match(prep, /^swapoff -a$/m);
      assert.match(prep, /\/etc\/fstab/);
      assert.match(prep, /SystemdCgroup/);
      assert.deepEqual(bootSteps(doc).slice(0, 2), [PACKAGES_SCRIPT, "/usr/local/sbin/clusterkit-node-prep.sh"]);
      assert.equal(bootSteps(doc).at(-1), SEAL_SEED_SCRIPT);
    });
  }

  it("pins 1.30 packages and pause image when 1.30 is configured", () => {
    const prep = writeFile(parseUserData(seed("worker01", seeds130)["user-data"]), "/usr/local/sbin/clusterkit-node-prep.sh").content;
    assert.match(prep, /^K8S_APT_REPOSITORY='https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.30\/deb\/'$/m);
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
    // gVisor on the control plane too: NATS (and anything tolerating the taint) may run under it.
    assert.deepEqual(bootSteps(doc), [
      PACKAGES_SCRIPT,
      "/usr/local/sbin/clusterkit-node-prep.sh",
      "/usr/local/sbin/clusterkit-containerd-registry.sh",
      "/usr/local/sbin/clusterkit-local-volumes.sh",
      "/usr/local/sbin/clusterkit-gvisor.sh",
      "/usr/local/sbin/clusterkit-kubeadm-init.sh",
      SEAL_SEED_SCRIPT,
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
    const line =
      writeFile(doc, KUBEADM_INIT_CONFIG)
        .content.split("\n")
        .find((l) => /(^|\s)token:/.test(l)) ?? "";
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
    assert.equal(bootSteps(doc).at(-2), "/usr/local/sbin/clusterkit-kubeadm-join.sh");
  });

  it("creates the local volume directories from config", () => {
    const doc = parseUserData(renderAll(localConfig({ localVolumes: { path: "/data/pv", perNode: 5 } })).get("worker01")?.["user-data"] ?? "");
    const script = writeFile(doc, "/usr/local/sbin/clusterkit-local-volumes.sh").content;
    // The same directories the storage chart's local PersistentVolumes point at (charts/platform/local-storage.ts).
    assert.match(script, /^DIRS='\/data\/pv\/vol01 \/data\/pv\/vol02 \/data\/pv\/vol03 \/data\/pv\/vol04 \/data\/pv\/vol05'$/m);
    assert.ok(bootSteps(doc).includes("/usr/local/sbin/clusterkit-local-volumes.sh"));
  });

  it("installs gVisor on every Kubernetes node before kubeadm, checked against the SHA-512 pinned in the repository, never the server's own", () => {
    for (const [name, step] of [
      ["worker01", "kubeadm-join"],
      ["master01", "kubeadm-init"],
    ] as const) {
      const doc = parseUserData(seed(name)["user-data"]);
      const gvisor = writeFile(doc, "/usr/local/sbin/clusterkit-gvisor.sh").content;
      assert.match(gvisor, new RegExp(`^RUNSC_SHA512='${GVISOR.runsc.digest}'$`, "m"));
      assert.match(gvisor, new RegExp(`^SHIM_SHA512='${GVISOR.shim.digest}'$`, "m"));
      assert.match(gvisor, /^RUNSC_URL='https:\/\/storage\.googleapis\.com\/gvisor\/releases\/release\/20260817\.0\/x86_64\/runsc'$/m);
      assert.doesNotMatch(gvisor, /\.sha512/, "no checksum file is fetched from the binaries' server");
      assert.match(gvisor, /"\$RUNSC_SHA512" "\$work\/runsc" "\$SHIM_SHA512" "\$work\/containerd-shim-runsc-v1" \| sha512sum -c -/);
      assert.match(gvisor, /runtime_type = "io\.containerd\.runsc\.v1"/);
      assert.match(gvisor, /platform = "systrap"/);
      const order = bootSteps(doc);
      assert.ok(order.indexOf("/usr/local/sbin/clusterkit-gvisor.sh") < order.indexOf(`/usr/local/sbin/clusterkit-${step}.sh`));
      assert.ok(order.indexOf("/usr/local/sbin/clusterkit-node-prep.sh") < order.indexOf("/usr/local/sbin/clusterkit-gvisor.sh"));
    }
    assert.ok(!parseUserData(seed("nfs01")["user-data"]).write_files.some((f) => f.path.includes("gvisor")));
    const off = parseUserData(
      renderAll(localConfig({ runtimes: { gvisor: { enabled: false } }, faas: { executors: { runtime: "runc" } } })).get("worker01")?.["user-data"] ?? "",
    );
    assert.ok(!off.write_files.some((f) => f.path.includes("gvisor")));
    assert.ok(!bootSteps(off).some((step) => step.includes("gvisor")));
  });

  it("installs Kata only when enabled: pinned SHA-256, a KVM check that names nested virtualization, containerd's kata runtime, the node label its RuntimeClass selects", () => {
    assert.ok(!parseUserData(seed("worker01")["user-data"]).write_files.some((f) => f.path.includes("kata")), "off by default");
    const seeds = renderAll(localConfig({ runtimes: { kata: { enabled: true } } }));
    for (const [name, join] of [
      ["worker01", "kubeadm-join"],
      ["master01", "kubeadm-init"],
    ] as const) {
      const doc = parseUserData(seeds.get(name)!["user-data"]);
      const kata = writeFile(doc, "/usr/local/sbin/clusterkit-kata.sh").content;
      assert.match(kata, new RegExp(`^KATA_SHA256='${KATA.tarball.digest}'$`, "m"));
      assert.match(
        kata,
        /^KATA_URL='https:\/\/github\.com\/kata-containers\/kata-containers\/releases\/download\/3\.32\.0\/kata-static-3\.32\.0-amd64\.tar\.zst'$/m,
      );
      assert.match(kata, /printf '%s  %s\\n' "\$KATA_SHA256" "\$work\/kata\.tar\.zst" \| sha256sum -c -/);
      assert.match(kata, /nested virtualization/);
      assert.match(kata, /runtime_type = "io\.containerd\.kata\.v2"/);
      const order = bootSteps(doc);
      assert.ok(order.indexOf("/usr/local/sbin/clusterkit-gvisor.sh") < order.indexOf("/usr/local/sbin/clusterkit-kata.sh"));
      assert.ok(order.indexOf("/usr/local/sbin/clusterkit-kata.sh") < order.indexOf(`/usr/local/sbin/clusterkit-${join}.sh`));
      const kubeadm = doc.write_files.find((f) => f.path.startsWith("/etc/clusterkit/kubeadm-"))!.content;
      assert.match(kubeadm, /name: node-labels\n\s+value: katacontainers\.io\/kata-runtime=true/);
    }
    assert.ok(!parseUserData(seeds.get("nfs01")!["user-data"]).write_files.some((f) => f.path.includes("kata")));
    const v130 = parseUserData(
      renderAll(localConfig({ kubernetes: { version: "1.30" }, runtimes: { kata: { enabled: true } } })).get("worker01")!["user-data"],
    );
    assert.match(v130.write_files.find((f) => f.path === "/etc/clusterkit/kubeadm-join.yaml")!.content, /node-labels: katacontainers\.io\/kata-runtime=true/);
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
  const WORKER_STEPS = ["packages", "node-prep", "containerd-registry", "local-volumes", "gvisor", "kubeadm-join", "seal-seed"];

  /**
   * Runs worker01's rendered runner with each step replaced by a stub (`fails` exits 7), its state
   * folder and scripts under a scratch folder (kept across runs in `dir`), and a stub systemctl.
   */
  function runWorkerBoot(fails?: string, dir = scratchDir()) {
    const runner = writeFile(parseUserData(seed("worker01")["user-data"]), BOOT_STEPS_SCRIPT).content;
    const log = join(dir, "ran.log");
    mkdirSync(join(dir, "bin"), { recursive: true });
    writeFileSync(
      join(dir, "bin", "systemctl"),
      `#!/bin/sh
echo "systemctl $*" >> '${dir}/systemctl.log'
`,
    );
    chmodSync(join(dir, "bin", "systemctl"), 0o755);
    for (const step of WORKER_STEPS) {
      const file = join(dir, `clusterkit-${step}.sh`);
      writeFileSync(
        file,
        `#!/bin/sh
echo ${step} >> '${log}'
${step === fails ? "exit 7\n" : ""}`,
      );
      chmodSync(file, 0o755);
    }
    const script = join(dir, "boot.sh");
    writeFileSync(script, runner.replaceAll("/usr/local/sbin/", `${dir}/`).replaceAll(BOOT_STATE_DIR, `${dir}/state`).replaceAll("/run/systemd/system", dir));
    const r = spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}` } });
    return { status: r.status, stderr: r.stderr, stdout: r.stdout, dir, ran: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [] };
  }

  it("runs packages, prep, the registry config, local volumes, gVisor, join, then seals the seed, in that order, and records completion", () => {
    const r = runWorkerBoot();
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.ran, WORKER_STEPS);
    assert.ok(existsSync(join(r.dir, "state", "complete")));
    assert.match(
      readFileSync(join(r.dir, "systemctl.log"), "utf8"),
      /^systemctl enable clusterkit-boot\.service$/m,
      "the resume unit is enabled before the first step",
    );
  });

  it("stops at the first failing step with its exit code, so a worker never joins after a failed preparation", () => {
    const prep = runWorkerBoot("node-prep");
    assert.equal(prep.status, 7);
    assert.deepEqual(prep.ran, ["packages", "node-prep"]);
    assert.match(
      prep.stderr,
      /clusterkit-node-prep\.sh failed \(exit 7\); the later steps were not run\. Fix the cause, then resume with: sudo systemctl start clusterkit-boot\.service/,
    );
    const gvisor = runWorkerBoot("gvisor");
    assert.equal(gvisor.status, 7);
    assert.deepEqual(gvisor.ran, ["packages", "node-prep", "containerd-registry", "local-volumes", "gvisor"], "no join without the sandbox runtime");
    assert.ok(!existsSync(join(gvisor.dir, "state", "complete")));
  });

  it("a re-run resumes at the step that failed, skipping the finished ones, and does nothing once complete", () => {
    const first = runWorkerBoot("gvisor");
    assert.equal(first.status, 7);
    const second = runWorkerBoot(undefined, first.dir);
    assert.equal(second.status, 0, second.stderr);
    // ran.log accumulates: the second run added only gvisor onwards.
    assert.deepEqual(second.ran, ["packages", "node-prep", "containerd-registry", "local-volumes", "gvisor", "gvisor", "kubeadm-join", "seal-seed"]);
    assert.match(second.stdout, /boot step .*clusterkit-packages\.sh already done/);
    const third = runWorkerBoot(undefined, first.dir);
    assert.equal(third.status, 0);
    assert.equal(third.ran.length, second.ran.length, "nothing runs twice once every step is done");
  });

  it("is resumed by a systemd unit on every boot until complete (the documented way to resume)", () => {
    const doc = parseUserData(seed("nfs01")["user-data"]);
    const unit = writeFile(doc, BOOT_UNIT_FILE);
    assert.equal(unit.permissions, "0644");
    assert.match(unit.content, new RegExp(`^ExecStart=${BOOT_STEPS_SCRIPT}$`, "m"));
    assert.match(unit.content, new RegExp(`^ConditionPathExists=!${BOOT_STATE_DIR}/complete$`, "m"));
    assert.match(unit.content, /^WantedBy=multi-user\.target$/m);
  });

  it("refuses a second runner while one holds the lock", () => {
    const dir = scratchDir();
    mkdirSync(join(dir, "state"));
    // Hold the lock in a background process while the runner starts.
    const bg = spawn("bash", ["-c", `exec 9>'${dir}/state/lock'; flock -n 9; sleep 5`], { stdio: "ignore" });
    try {
      spawnSync("sleep", ["0.3"]);
      const r = runWorkerBoot(undefined, dir);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /the boot steps are already running/);
      assert.deepEqual(r.ran, []);
    } finally {
      bg.kill();
    }
  });
});

describe("generated config files are written atomically", () => {
  const doc = parseUserData(seed("worker01")["user-data"]);
  const scripts = doc.write_files.filter((f) => f.path.startsWith("/usr/local/sbin/"));

  it("no embedded script redirects output straight into a file under /etc or a config variable", () => {
    for (const f of scripts) {
      for (const line of f.content.split("\n")) {
        assert.doesNotMatch(line, /[^2&]>>?\s*"?(\/etc\/|\$(CONTAINERD_CONFIG|KEYRING|RULE)\b)/, `${f.path}: ${line}`);
      }
    }
  });

  /** node-prep run with /etc under a scratch folder and every system command stubbed. */
  function runPrep(containerdBody: string) {
    const dir = scratchDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    mkdirSync(join(dir, "etc", "containerd"), { recursive: true });
    writeFileSync(join(dir, "etc", "fstab"), "/swap.img none swap sw 0 0\n");
    writeFileSync(join(dir, "etc", "containerd", "config.toml"), "old = true\n");
    const stub = (name: string, body = "exit 0") => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    for (const t of ["swapoff", "modprobe", "sysctl", "systemctl", "apt-get", "apt-mark", "sleep"]) stub(t);
    stub("curl", 'prev=; for a in "$@"; do [ "$prev" = -o ] && echo key > "$a"; prev=$a; done; exit 0');
    stub("gpg", "cat");
    stub("containerd", containerdBody);
    const prep = writeFile(doc, "/usr/local/sbin/clusterkit-node-prep.sh").content;
    const script = join(dir, "prep.sh");
    writeFileSync(script, prep.replaceAll("/etc/", `${dir}/etc/`));
    const r = spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return {
      ...r,
      config: readFileSync(join(dir, "etc", "containerd", "config.toml"), "utf8"),
      leftovers: readdirSync(join(dir, "etc", "containerd")).join(","),
    };
  }

  it("a failing `containerd config default` leaves the previous config.toml, not an empty one", () => {
    const r = runPrep("exit 3");
    assert.notEqual(r.status, 0);
    assert.equal(r.config, "old = true\n");
    assert.equal(r.leftovers, "config.toml");
  });

  it("a good one replaces it with the systemd cgroup driver and the pinned pause image", () => {
    const r = runPrep(`printf '%s\\n' '[plugins]' '  sandbox_image = "registry.k8s.io/pause:3.8"' '  SystemdCgroup = false'`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.config, /SystemdCgroup = true/);
    assert.match(r.config, /sandbox_image = "registry\.k8s\.io\/pause:3\.10\.1"/);
    assert.equal(r.leftovers, "config.toml");
  });
});

describe("the seed is sealed once consumed", () => {
  it("the last boot step makes CD-ROM devices root-only, now and by a udev rule on every boot", () => {
    for (const [name, s] of seeds) {
      const doc = parseUserData(s["user-data"]);
      assert.equal(bootSteps(doc).at(-1), SEAL_SEED_SCRIPT, name);
      const seal = writeFile(doc, SEAL_SEED_SCRIPT).content;
      assert.match(seal, new RegExp(`^RULE='${SEAL_SEED_RULE}'$`, "m"));
      assert.match(seal, /KERNEL=="sr\[0-9\]\*", OWNER="root", GROUP="root", MODE="0600"/);
      assert.match(seal, /chmod 0600 "\$dev"/);
    }
  });
});

describe("seed user-data: NFS server", () => {
  it("exports the configured path to the host-only network, squashed to nobody", () => {
    const doc = parseUserData(seed("nfs01")["user-data"]);
    assert.deepEqual(packages(doc), ["nfs-kernel-server", "curl"]);
    assert.equal(doc.packages, undefined);
    const script = writeFile(doc, "/usr/local/sbin/clusterkit-nfs-server.sh").content;
    assert.match(script, /^EXPORT_PATH='\/srv\/nfs\/k8s'$/m);
    assert.match(script, /^CLIENTS='192\.168\.60\.0\/24'$/m);
    assert.match(script, /"\$EXPORT_PATH \$CLIENTS\(rw,sync,no_subtree_check,all_squash,anonuid=65534,anongid=65534\)"/);
    assert.match(script, /install -d -m 0775 -o 65534 -g 65534 "\$EXPORT_PATH"/);
    // The same re-runnable runner as the Kubernetes nodes, with named steps.
    assert.deepEqual(bootSteps(doc), [
      PACKAGES_SCRIPT,
      "/usr/local/sbin/clusterkit-nfs-server.sh",
      "/usr/local/sbin/clusterkit-image-registry.sh",
      SEAL_SEED_SCRIPT,
    ]);
    assert.match(script, /\| atomic_write \/etc\/exports\.d\/clusterkit\.exports 0644$/m);
  });
});

describe("Terraform string escaping", () => {
  it("escapes template sequences, then substitutes expressions", () => {
    assert.equal(toTerraformString('echo "${HOME}" %{x} P', { P: "${var.y}" }), 'echo "$${HOME}" %%{x} ${var.y}');
  });
});
