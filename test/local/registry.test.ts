/**
 * The local image registry in the seeds: nfs01 runs Ubuntu's docker-registry 2.8 on its host-only
 * address; every Kubernetes node's containerd pulls `<nfs.ip>:5000/...` over plain HTTP through a
 * hosts.toml, switched on by a boot step that really edits containerd's default config.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { CONTAINERD_CERTS_DIR, registryConfigYaml } from "../../stacks/local/cloud-init/registry";
import { containerdRegistryScript } from "../../stacks/local/cloud-init/scripts/containerd-registry";
import { scratchDir } from "../support/cli";
import { stubBin } from "../deploy/fakes";
import { freePort } from "../support/registry";
import { itIf, missingTools } from "../support/requires";
import { localConfig, parseUserData, renderAll } from "./support";

const files = (node: string, config = localConfig()) => parseUserData(renderAll(config).get(node)!["user-data"]).write_files;

describe("containerd on the Kubernetes nodes", () => {
  for (const node of ["master01", "worker01", "worker02"]) {
    it(`${node} gets a hosts.toml for the NFS node's registry, plain HTTP, pull and resolve only`, () => {
      const f = files(node).find((x) => x.path === `${CONTAINERD_CERTS_DIR}/192.168.60.30:5000/hosts.toml`);
      assert.ok(f, "hosts.toml missing");
      assert.match(f.content, /^server = "http:\/\/192\.168\.60\.30:5000"$/m);
      assert.match(f.content, /^\[host\."http:\/\/192\.168\.60\.30:5000"\]$/m);
      assert.match(f.content, /capabilities = \["pull", "resolve"\]/);
      assert.doesNotMatch(f.content, /push|skip_verify/);
    });
  }

  it("follows nfs.ip from config", () => {
    const c = localConfig({ nfs: { ip: "192.168.60.31" } });
    assert.ok(files("worker01", c).some((f) => f.path === `${CONTAINERD_CERTS_DIR}/192.168.60.31:5000/hosts.toml`));
  });

  function runScript(config: string, withHosts: boolean) {
    const dir = scratchDir();
    const certs = join(dir, "certs.d");
    if (withHosts) {
      mkdirSync(join(certs, "10.0.0.5:5000"), { recursive: true });
      writeFileSync(join(certs, "10.0.0.5:5000", "hosts.toml"), 'server = "http://10.0.0.5:5000"\n');
    }
    const file = join(dir, "config.toml");
    writeFileSync(file, config);
    const script = join(dir, "script.sh");
    writeFileSync(script, containerdRegistryScript(certs, "10.0.0.5:5000", file));
    const bin = stubBin({ systemctl: `echo "$@" >> '${join(dir, "systemctl.log")}'` });
    const r = spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return { ...r, config: readFileSync(file, "utf8"), certs, dir };
  }

  itIf(missingTools(["containerd"], "apt-get install containerd"), "the boot step sets config_path in containerd's real default config and restarts it", () => {
    const defaults = spawnSync("containerd", ["config", "default"], { encoding: "utf8" }).stdout;
    assert.match(defaults, /config_path = ""/);
    const r = runScript(defaults, true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.config, new RegExp(`^\\s*config_path = "${r.certs.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"$`, "m"));
    assert.equal(r.config.split("\n").length, defaults.split("\n").length, "nothing else changes");
    assert.equal(readFileSync(join(r.dir, "systemctl.log"), "utf8").trim(), "restart containerd");
  });

  it("the boot step fails, before touching containerd, when the seed carried no hosts.toml", () => {
    const r = runScript('    [plugins."io.containerd.grpc.v1.cri".registry]\n      config_path = ""\n', false);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /hosts\.toml is missing/);
    assert.match(r.config, /config_path = ""/);
  });

  it("the boot step fails when the config has no config_path to set (another containerd config layout)", () => {
    const r = runScript("version = 3\n", true);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /could not set the CRI registry config_path/);
  });
});

describe("the registry on the NFS node", () => {
  it("listens on the host-only address only, keeps images on the VM's disk and never deletes", () => {
    const c = files("nfs01").find((f) => f.path === "/etc/docker/registry/config.yml")!.content;
    assert.match(c, /^ {2}addr: 192\.168\.60\.30:5000$/m);
    assert.match(c, /rootdirectory: \/var\/lib\/docker-registry/);
    assert.match(c, /delete:\n {4}enabled: false/);
    const script = files("nfs01").find((f) => f.path === "/usr/local/sbin/clusterkit-image-registry.sh")!.content;
    assert.match(script, /^DEB_VERSION='2\.8\.\*'$/m);
    assert.match(script, /"docker-registry=\$DEB_VERSION"/);
    assert.match(script, /apt-mark hold docker-registry/);
    assert.match(script, /--force-confold/);
  });

  itIf(missingTools(["docker-registry"], "apt-get install docker-registry"), "its config is one distribution 2.8 accepts and serves from", async () => {
    const dir = scratchDir();
    const port = await freePort();
    const yaml = registryConfigYaml("127.0.0.1").replace(":5000", `:${port}`).replace("/var/lib/docker-registry", join(dir, "storage"));
    writeFileSync(join(dir, "config.yml"), yaml);
    const { spawn } = await import("node:child_process");
    const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
    try {
      let status = 0;
      for (let i = 0; i < 200 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/v2/`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(status, 200);
    } finally {
      child.kill();
    }
  });
});
