/**
 * Real clients pull what our client pushed: containerd's `ctr` (through the same hosts.toml the
 * nodes' seeds carry, plain HTTP) and podman. Both must see the exact manifest digest we pushed.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { registryHostsToml } from "../../stacks/local/cloud-init/registry";
import { RegistryClient } from "../../src/registry/client";
import { pushArchive } from "../../src/registry/push";
import { scratchDir } from "../support/cli";
import { type Fixture, ociArchive } from "../support/oci-fixture";
import { startRegistry, type TestRegistry } from "../support/registry";
import { itIf, missingTools } from "../support/requires";
import { shortTempDir } from "../support/temp-dir";

const base = missingTools(["docker-registry", "tar"], "apt-get install docker-registry");

describe("ctr and podman pull from the registry our client pushed to", () => {
  let registry: TestRegistry;
  let image: Fixture;
  let ref = "";
  beforeAll(async () => {
    if (base) return;
    registry = await startRegistry();
    image = ociArchive({ layers: [{ "hello.txt": "hello from clusterkit\n" }] });
    await pushArchive(new RegistryClient({ baseUrl: registry.url }), image.path, "clusterkit/hello", "t1");
    ref = `${registry.host}/clusterkit/hello:t1`;
  });
  afterAll(async () => registry?.stop());

  itIf(
    base ?? missingTools(["containerd", "ctr"], "apt-get install containerd"),
    "ctr pulls it through the nodes' hosts.toml and reports the pushed digest",
    async () => {
      const dir = scratchDir("clusterkit-ctr-");
      const sock = join(dir, "containerd.sock");
      writeFileSync(
        join(dir, "config.toml"),
        `version = 2\nroot = "${dir}/root"\nstate = "${dir}/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${sock}"\n`,
      );
      const hosts = join(dir, "certs.d", registry.host);
      mkdirSync(hosts, { recursive: true });
      writeFileSync(join(hosts, "hosts.toml"), registryHostsToml(registry.host));
      const daemon: ChildProcess = spawn("containerd", ["--config", join(dir, "config.toml")], { stdio: "ignore" });
      try {
        for (let i = 0; i < 100 && spawnSync("ctr", ["--address", sock, "version"]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
        const pull = spawnSync("ctr", ["--address", sock, "-n", "clusterkit-test", "images", "pull", "--hosts-dir", join(dir, "certs.d"), ref], {
          encoding: "utf8",
          timeout: 120_000,
        });
        assert.equal(pull.status, 0, pull.stdout + pull.stderr);
        const ls = spawnSync("ctr", ["--address", sock, "-n", "clusterkit-test", "images", "ls"], { encoding: "utf8" });
        const line = ls.stdout.split("\n").find((l) => l.startsWith(ref));
        assert.ok(line, ls.stdout);
        assert.ok(line.includes(image.manifestDigest), `ctr lists ${line}, expected ${image.manifestDigest}`);
      } finally {
        daemon.kill();
      }
    },
  );

  itIf(base ?? missingTools(["podman"], "apt-get install podman"), "podman pulls it over plain HTTP and reports the pushed digest", () => {
    const dir = shortTempDir("ck-podman-");
    const common = ["--root", join(dir, "root"), "--runroot", join(dir, "run"), "--storage-driver", "vfs"];
    const pull = spawnSync("podman", [...common, "pull", "--tls-verify=false", ref], { encoding: "utf8", timeout: 120_000 });
    assert.equal(pull.status, 0, pull.stdout + pull.stderr);
    const inspect = spawnSync("podman", [...common, "image", "inspect", "--format", "{{.Digest}}", ref], { encoding: "utf8" });
    assert.equal(inspect.stdout.trim(), image.manifestDigest, inspect.stderr);
  });
});
