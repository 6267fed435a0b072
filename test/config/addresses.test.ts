/**
 * Local addresses as host numbers inside network.cidr: changing the network alone moves the whole
 * lab (proven on the synthesized Terraform outputs, seeds and MetalLB pool), explicit addresses
 * still win, and validation stays as strict as with written addresses.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { parse, parseAllDocuments } from "yaml";
import { loadConfig, validateConfigs } from "../../src/config/load";
import { synthesize } from "../../src/synth/synth";
import { configFile, scratchDir } from "../support/cli";

function problems(overrides: Record<string, unknown>): string[] {
  return validateConfigs(overrides).problems.map((p) => `${p.path}: ${p.message}`);
}

describe("local addresses follow network.cidr", () => {
  it("changing only network.cidr moves every node, the host address, the NFS server and the MetalLB pool (synthesized outputs)", () => {
    const root = scratchDir();
    const configs = loadConfig({ CLUSTERKIT_CONFIG: configFile({ local: { network: { cidr: "192.168.56.0/24" } } }) });
    synthesize(configs, { root, only: ["local"] });
    const tf = JSON.parse(readFileSync(join(root, "cdktf.out/stacks/local/cdk.tf.json"), "utf8")) as { output: Record<string, { value: unknown }> };
    assert.deepEqual(tf.output.node_ips!.value, { master01: "192.168.56.11", worker01: "192.168.56.21", worker02: "192.168.56.22", nfs01: "192.168.56.30" });
    assert.equal(tf.output.control_plane_ip!.value, "192.168.56.11");
    assert.deepEqual(tf.output.worker_ips!.value, ["192.168.56.21", "192.168.56.22"]);
    assert.equal(tf.output.nfs_export!.value, "192.168.56.30:/srv/nfs/k8s");
    assert.equal(tf.output.api_endpoint!.value, "https://192.168.56.11:6443");
    assert.doesNotMatch(JSON.stringify(tf), /192\.168\.60\./, "nothing of the old network is left in the Terraform");

    const pool = parseAllDocuments(readFileSync(join(root, "dist/local/30-metallb-config.k8s.yaml"), "utf8"))
      .map((d) => d.toJS() as { kind: string; spec: { addresses?: string[] } })
      .find((d) => d.kind === "IPAddressPool");
    assert.deepEqual(pool?.spec.addresses, ["192.168.56.200-192.168.56.250"]);
    const storage = readFileSync(join(root, "dist/local/40-storage.k8s.yaml"), "utf8");
    assert.match(storage, /server: 192\.168\.56\.30/);
    for (const file of ["10-cni", "20-metrics-server", "30-metallb-config", "40-storage", "50-web", "60-faas"]) {
      assert.doesNotMatch(readFileSync(join(root, `dist/local/${file}.k8s.yaml`), "utf8"), /192\.168\.60\./, `${file} still names the old network`);
    }
    assert.equal(configs.local.network.hostIp, "192.168.56.1", "the host-only interface address the preflight expects moves too");
  });

  it("a /21 network keeps the host numbers (192.168.56.0/21: host 300 is 192.168.57.44)", () => {
    const { configs } = validateConfigs({
      local: { network: { cidr: "192.168.56.0/21" }, workers: [{ name: "worker01", hostNumber: 300, cpus: 2, memoryMiB: 2048 }] },
    });
    assert.equal(configs?.local.workers[0]?.ip, "192.168.57.44");
    assert.equal(configs?.local.controlPlane.ip, "192.168.56.11");
  });

  it("an explicit address wins over the default host number, and npm run config then shows only the address", () => {
    const { configs } = validateConfigs({
      local: { network: { cidr: "192.168.56.0/24" }, nfs: { ip: "192.168.56.99" }, metallb: { addressEnd: "192.168.56.210" } },
    });
    assert.equal(configs?.local.nfs.ip, "192.168.56.99");
    assert.equal(configs?.local.nfs.hostNumber, undefined);
    assert.equal(configs?.local.metallb.addressStart, "192.168.56.200");
    assert.equal(configs?.local.metallb.addressEnd, "192.168.56.210");
    assert.equal(configs?.local.metallb.lastHostNumber, undefined);
  });

  it("stays as strict: a host number outside a smaller network, the broadcast address, clashes and a VM without address are refused, naming the field", () => {
    const small = problems({ local: { network: { cidr: "192.168.60.0/28" } } });
    assert.ok(
      small.includes("local.workers.0.hostNumber: 192.168.60.21 (host number 21 of network.cidr) is outside network.cidr (192.168.60.0/28)"),
      small.join("\n"),
    );
    assert.ok(
      small.some((p) => /^local\.metallb\.firstHostNumber: 192\.168\.60\.200 \(host number 200\) is not a host address of network\.cidr/.test(p)),
      small.join("\n"),
    );
    assert.ok(
      problems({ local: { nfs: { hostNumber: 255 } } }).includes(
        "local.nfs.hostNumber: 192.168.60.255 (host number 255 of network.cidr) is the network or broadcast address of 192.168.60.0/24",
      ),
    );
    assert.ok(
      problems({ local: { metallb: { firstHostNumber: 20 } } }).some((p) =>
        /^local\.metallb: pool 192\.168\.60\.20-192\.168\.60\.250 contains workers\.0\.hostNumber/.test(p),
      ),
    );
    assert.ok(
      problems({ local: { workers: [{ name: "worker01", cpus: 2, memoryMiB: 2048 }] } }).includes(
        "local.workers.0: needs an address: hostNumber (a host number inside local.network.cidr, e.g. 21) or ip",
      ),
    );
    assert.ok(
      problems({ local: { controlPlane: { hostNumber: 0 } } }).some((p) => p.startsWith("local.controlPlane.hostNumber: must be a host number of at least 1")),
    );
    assert.ok(
      problems({ local: { network: { hostIp: "192.168.60.11" } } }).some((p) =>
        /^local\.controlPlane\.hostNumber: .* is already used by network\.hostIp/.test(p),
      ),
    );
  });

  it("the seeds carry the moved addresses (netplan, /etc/hosts, kubeadm advertise address)", () => {
    const root = scratchDir();
    const configs = loadConfig({ CLUSTERKIT_CONFIG: configFile({ local: { network: { cidr: "10.10.0.0/16" } } }) });
    synthesize(configs, { root, only: ["local"], manifests: false });
    const text = readFileSync(join(root, "cdktf.out/stacks/local/cdk.tf.json"), "utf8");
    const tf = parse(text) as { resource: Record<string, Record<string, { content?: string; filename?: string }>> };
    const files = { ...tf.resource.local_file, ...tf.resource.local_sensitive_file };
    const netplan = Object.values(files).find((f) => String(f.filename).endsWith("/seed/worker02/network-config"))!;
    assert.match(String(netplan.content), /- 10\.10\.0\.22\/16/);
    const master = Object.values(files).find((f) => String(f.filename).endsWith("/seed/master01/user-data"))!;
    assert.match(String(master.content), /10\.10\.0\.30 nfs01/);
    assert.match(String(master.content), /advertiseAddress: 10\.10\.0\.11/);
  });
});
