import assert from "node:assert/strict";
import { describe, expect, it } from "@jest/globals";
import { Vm } from "../../.gen/providers/virtualbox/vm";
import { renderSeed } from "../../stacks/local/cloud-init/render";
import { SECRET_PLACEHOLDERS } from "../../stacks/local/cloud-init/secrets";
import { clusterNodes } from "../../src/contracts/local-nodes";
import { PROJECT_ROOT } from "../support/cli";
import { type Block, fileResource, localConfig, resources, synthLocal } from "./support";

const defaults = synthLocal();
const vms = resources(defaults.json, "virtualbox_vm");

function vmNamed(name: string): Block {
  const vm = Object.values(vms).find((v) => v.name === name);
  assert.ok(vm, `no virtualbox_vm named ${name}`);
  return vm;
}

describe("local stack: VMs", () => {
  it("creates the control plane, both workers and the NFS node", () => {
    assert.deepEqual(
      Object.values(vms)
        .map((v) => v.name)
        .sort(),
      ["master01", "nfs01", "worker01", "worker02"],
    );
  });

  it("sizes VMs from config, with memory in the provider's normalised form", () => {
    for (const name of ["master01", "worker01", "worker02"]) {
      expect(defaults.text).toHaveResourceWithProperties(Vm, { name, cpus: 3, memory: "4.0 gib" });
    }
    expect(defaults.text).toHaveResourceWithProperties(Vm, { name: "nfs01", cpus: 1, memory: "1.5 gib" });
    expect(defaults.text).not.toHaveResourceWithProperties(Vm, { name: "nfs01", cpus: 3 });
  });

  it("gives every VM a NAT adapter first and a host-only adapter on the configured host interface", () => {
    for (const vm of Object.values(vms)) {
      const adapters = vm.network_adapter as Block[];
      assert.equal(adapters.length, 2);
      assert.equal(adapters[0]?.type, "nat");
      assert.equal(adapters[0]?.host_interface, undefined);
      assert.equal(adapters[1]?.type, "hostonly");
      assert.equal(adapters[1]?.host_interface, "vboxnet0");
    }
    const custom = synthLocal({ network: { hostInterface: "VirtualBox Host-Only Ethernet Adapter #2" } });
    for (const vm of Object.values(resources(custom.json, "virtualbox_vm"))) {
      assert.equal((vm.network_adapter as Block[])[1]?.host_interface, "VirtualBox Host-Only Ethernet Adapter #2");
    }
  });

  it("never sets user_data, status or boot_order (ignored by the guest or perpetually diffing)", () => {
    for (const vm of Object.values(vms)) {
      for (const attr of ["user_data", "status", "boot_order", "url"]) assert.ok(!(attr in vm), `${String(vm.name)} sets ${attr}`);
    }
  });

  it("boots each VM with its own seed ISO, built before it, and replaces it when its seed revision changes", () => {
    const nulls = resources(defaults.json, "null_resource");
    for (const vm of Object.values(vms)) {
      const name = String(vm.name);
      assert.deepEqual(vm.optical_disks, [`\${path.module}/../../../state/local/seed/${name}.iso`]);
      // Bare addresses: Terraform rejects "${...}" in replace_triggered_by.
      assert.deepEqual((vm.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by, [`null_resource.seed_revision_${name}`]);
      assert.ok(nulls[`seed_revision_${name}`], `missing seed_revision_${name}`);
      assert.deepEqual(vm.depends_on, [`null_resource.seed_iso_${name}`]);
      const builder = nulls[`seed_iso_${name}`];
      assert.ok(builder, `missing seed_iso_${name}`);
      const command = (builder.provisioner as { "local-exec": { command: string } }[])[0]?.["local-exec"].command ?? "";
      assert.equal(
        command,
        `node "\${path.module}/../../../scripts/seed-iso.js" "\${path.module}/../../../state/local/seed/${name}" "\${path.module}/../../../state/local/seed/${name}.iso"`,
      );
      // The ISO is rebuilt whenever any seed document changes.
      assert.deepEqual(Object.keys(builder.triggers as Block).sort(), ["meta_data", "network_config", "user_data"]);
    }
  });

  it("replaces only the nodes whose seed changed: adding a worker leaves the others alone", () => {
    const revisions = (s: ReturnType<typeof synthLocal>) =>
      Object.fromEntries(
        Object.entries(resources(s.json, "null_resource"))
          .filter(([id]) => id.startsWith("seed_revision_"))
          .map(([id, r]) => [id, r.triggers]),
      );
    const before = revisions(defaults);
    const grown = revisions(synthLocal({ workers: [...localConfig().workers, { name: "worker03", ip: "192.168.60.23", cpus: 3, memoryMiB: 4096 }] }));
    for (const id of Object.keys(before)) assert.deepEqual(grown[id], before[id], `${id} would be replaced by adding a worker`);
    assert.ok(grown.seed_revision_worker03);
    // A real change to a node's bootstrap (here the Kubernetes version) replaces the Kubernetes nodes.
    const upgraded = revisions(synthLocal({ kubernetes: { version: "1.30" } }));
    for (const name of ["master01", "worker01", "worker02"]) assert.notDeepEqual(upgraded[`seed_revision_${name}`], before[`seed_revision_${name}`]);
    assert.deepEqual(upgraded.seed_revision_nfs01, before.seed_revision_nfs01);
    // Kubernetes nodes also follow the cluster identity; the NFS node does not need to.
    assert.match(String((before.seed_revision_master01 as Block).identity), /^\$\{sha256\(.*tls_self_signed_cert\./);
    assert.equal((before.seed_revision_nfs01 as Block).identity, undefined);
  });

  it("takes the image from config, relative to the project root unless absolute", () => {
    // One file name per image serial: the provider caches unpacked boxes by base name.
    assert.equal(vmNamed("master01").image, "${path.module}/../../../boxes/ubuntu-24.04-20251213-vbox.box");
    const abs = synthLocal({ image: { path: "/srv/boxes/noble.box" } });
    for (const vm of Object.values(resources(abs.json, "virtualbox_vm"))) assert.equal(vm.image, "/srv/boxes/noble.box");
  });

  it("follows the worker count in config", () => {
    const three = synthLocal({
      workers: [
        { name: "worker01", ip: "192.168.60.21", cpus: 2, memoryMiB: 2048 },
        { name: "worker02", ip: "192.168.60.22", cpus: 2, memoryMiB: 2048 },
        { name: "worker03", ip: "192.168.60.23", cpus: 2, memoryMiB: 2048 },
      ],
    });
    const names = Object.values(resources(three.json, "virtualbox_vm"))
      .map((v) => v.name)
      .sort();
    assert.deepEqual(names, ["master01", "nfs01", "worker01", "worker02", "worker03"]);
    assert.equal(Object.keys(resources(three.json, "null_resource")).length, 10);
    assert.deepEqual(three.json.output.worker_ips?.value, ["192.168.60.21", "192.168.60.22", "192.168.60.23"]);
    const one = synthLocal({ workers: [{ name: "worker01", ip: "192.168.60.21", cpus: 3, memoryMiB: 4096 }] });
    assert.equal(Object.keys(resources(one.json, "virtualbox_vm")).length, 3);
  });

  it("warns when a memory size cannot be written exactly", () => {
    assert.deepEqual(defaults.ctx.warnings, []);
    const odd = synthLocal({ nfs: { memoryMiB: 1280 } });
    assert.ok(
      odd.ctx.warnings.some((w) => /^local: nfs\.memoryMiB 1280 is written as "1\.3 gib".*1331 MiB/.test(w)),
      odd.ctx.warnings.join("\n"),
    );
  });
});

describe("local stack: providers, backend and paths", () => {
  it("pins every provider version in required_providers", () => {
    const rp = defaults.json.terraform.required_providers;
    assert.deepEqual(rp.virtualbox, { source: "shekeriev/virtualbox", version: "0.0.4" });
    assert.equal(rp.tls?.version, "4.1.0");
    assert.equal(rp.random?.version, "3.7.2");
    assert.equal(rp.local?.version, "2.6.1");
    assert.equal(rp.null?.version, "3.2.4");
    for (const [name, p] of Object.entries(rp)) assert.match(p.version, /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly`);
  });

  it("configures the VirtualBox provider's IP wait from config", () => {
    assert.deepEqual(defaults.json.provider.virtualbox, [{ delay: 150, mintimeout: 5 }]);
    const slow = synthLocal({ provider: { delaySeconds: 200, minTimeoutSeconds: 10 } });
    assert.deepEqual(slow.json.provider.virtualbox, [{ delay: 200, mintimeout: 10 }]);
  });

  it("keeps state in <root>/state/local, relative to the stack's working directory", () => {
    assert.deepEqual(defaults.json.terraform.backend, { local: { path: "../../../state/local/terraform.tfstate" } });
  });

  it("writes nothing machine-specific: no absolute project path, every file path through path.module", () => {
    assert.ok(!defaults.text.includes(PROJECT_ROOT), "cdk.tf.json contains the checkout's absolute path");
    for (const type of ["local_file", "local_sensitive_file"]) {
      for (const f of Object.values(resources(defaults.json, type))) {
        assert.match(String(f.filename), /^\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/state\/local\//);
      }
    }
  });

  it("writes the admin kubeconfig to the configured path outside cdktf.out, owner-only", () => {
    const kc = fileResource(defaults.json, "local_sensitive_file", "/state/local/kubeconfig");
    assert.equal(kc.file_permission, "0600");
    const content = String(kc.content);
    assert.match(content, /server: https:\/\/192\.168\.60\.11:6443/);
    assert.match(content, /certificate-authority-data: \$\{base64encode\(tls_self_signed_cert\.[^}]+\.cert_pem\)\}/);
    assert.match(content, /client-certificate-data: \$\{base64encode\(tls_locally_signed_cert\.[^}]+\.cert_pem\)\}/);
  });
});

describe("local stack: cluster identity", () => {
  it("generates the CA with Terraform and signs the admin client certificate with it", () => {
    const [ca] = Object.entries(resources(defaults.json, "tls_self_signed_cert"));
    assert.ok(ca);
    const [caId, caCert] = ca;
    assert.equal(caCert.is_ca_certificate, true);
    assert.ok((caCert.allowed_uses as string[]).includes("cert_signing"));
    const signed = Object.values(resources(defaults.json, "tls_locally_signed_cert"));
    assert.equal(signed.length, 1);
    assert.equal(signed[0]?.ca_cert_pem, `\${tls_self_signed_cert.${caId}.cert_pem}`);
    assert.ok((signed[0]?.allowed_uses as string[]).includes("client_auth"));
    const csr = Object.values(resources(defaults.json, "tls_cert_request"))[0];
    assert.deepEqual((csr?.subject as Block[])[0]?.organization, "kubeadm:cluster-admins");
  });

  it("generates the bootstrap token as two sensitive [a-z0-9] strings of 6 and 16", () => {
    const parts = Object.values(resources(defaults.json, "random_password")).map((p) => [p.length, p.upper, p.special, p.lower, p.numeric]);
    assert.deepEqual(
      parts.sort(),
      [
        [16, false, false, true, true],
        [6, false, false, true, true],
      ].sort(),
    );
  });

  it("puts no token, key or certificate literal in cdk.tf.json", () => {
    const text = defaults.text;
    assert.doesNotMatch(text, /-----BEGIN/);
    assert.doesNotMatch(text, /LS0tLS1CRUdJTi/, "base64 of a PEM header");
    assert.doesNotMatch(text, /(?<![a-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}(?![a-z0-9])/, "bootstrap-token-shaped literal");
    assert.doesNotMatch(text, /CLUSTERKIT_PLACEHOLDER_/, "a placeholder was not replaced");
    const master = String(fileResource(defaults.json, "local_sensitive_file", "/seed/master01/user-data").content);
    assert.match(master, /content: \$\{base64encode\(tls_private_key\.[^}]+\.private_key_pem\)\}/);
    assert.match(master, /token: \$\{random_password\.[^}]+\.result\}\.\$\{random_password\.[^}]+\.result\}/);
  });

  it("keeps seed files holding secrets in sensitive, owner-only files", () => {
    for (const name of ["master01", "worker01", "worker02"]) {
      const f = fileResource(defaults.json, "local_sensitive_file", `/seed/${name}/user-data`);
      assert.equal(f.file_permission, "0600");
    }
    const meta = String(fileResource(defaults.json, "local_file", "/seed/worker01/meta-data").content);
    assert.match(meta, /^instance-id: worker01-\$\{substr\(local_sensitive_file\.[^}]+\.content_sha256, 0, 16\)\}\nlocal-hostname: worker01\n$/);
  });
});

describe("local stack: outputs", () => {
  it("reports node IPs, the API endpoint and the kubeconfig path", () => {
    const o = defaults.json.output;
    assert.equal(o.control_plane_ip?.value, "192.168.60.11");
    assert.deepEqual(o.worker_ips?.value, ["192.168.60.21", "192.168.60.22"]);
    assert.equal(o.nfs_ip?.value, "192.168.60.30");
    assert.equal(o.api_endpoint?.value, "https://192.168.60.11:6443");
    assert.equal(o.kubeconfig_path?.value, "state/local/kubeconfig");
    assert.deepEqual(o.node_ips?.value, { master01: "192.168.60.11", worker01: "192.168.60.21", worker02: "192.168.60.22", nfs01: "192.168.60.30" });
    assert.equal((o.reported_ips?.value as Record<string, string>).worker02, "${virtualbox_vm.worker02.network_adapter[1].ipv4_address}");
  });
});

describe("local stack: seed content equals the rendered seed", () => {
  it("yields, once Terraform interpolates it, exactly the text the renderer produced", () => {
    const config = localConfig();
    const node = clusterNodes(config).find((n) => n.vm.name === "master01");
    assert.ok(node);
    const rendered = renderSeed(config, node, SECRET_PLACEHOLDERS).documents["user-data"];
    const inTerraform = String(fileResource(defaults.json, "local_sensitive_file", "/seed/master01/user-data").content);
    // Undo what Terraform would do: expressions back to placeholders, then the escapes.
    const back = inTerraform
      .replace(/\$\{base64encode\(tls_self_signed_cert\.[^}]+\.cert_pem\)\}/g, SECRET_PLACEHOLDERS.caCertPemBase64)
      .replace(/\$\{base64encode\(tls_private_key\.[^}]+\.private_key_pem\)\}/g, SECRET_PLACEHOLDERS.caKeyPemBase64)
      .replace(/\$\{random_password\.[^}]+\.result\}\.\$\{random_password\.[^}]+\.result\}/g, SECRET_PLACEHOLDERS.bootstrapToken)
      .replace(
        /\$\{jsonencode\(trimspace\(file\("\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/state\/local\/ssh\/id_ed25519\.pub"\)\)\)\}/g,
        SECRET_PLACEHOLDERS.sshAuthorizedKey,
      )
      .replace(
        /\$\{jsonencode\(trimspace\(file\("\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/state\/local\/ssh\/host-master01_ed25519"\)\)\)\}/g,
        SECRET_PLACEHOLDERS.sshHostPrivateKey,
      )
      .replace(
        /\$\{jsonencode\(trimspace\(file\("\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/state\/local\/ssh\/host-master01_ed25519\.pub"\)\)\)\}/g,
        SECRET_PLACEHOLDERS.sshHostPublicKey,
      );
    assert.doesNotMatch(back, /(?<!\$)\$\{/, "an unescaped interpolation is left");
    assert.equal(back.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"), rendered);
  });
});
