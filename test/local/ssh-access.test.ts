/**
 * SSH access to the local nodes: deploy's key files (owner-only, real OpenSSH keys, known_hosts
 * for every node) and the seed that installs them, evaluated by real Terraform from the
 * synthesized stack and then checked by `cloud-init schema`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { parse } from "yaml";
import { ensureLabKeys } from "../../src/deploy/lab-keys";
import { GUEST_ADDITIONS_BOOTCMD } from "../../stacks/local/cloud-init/node-access";
import { ADMIN_USER, hostKeyPath, KNOWN_HOSTS, LAB_KEY, SSH_DIR } from "../../src/contracts/node-access";
import { scratchDir } from "../support/cli";
import { itIf, missingTools } from "../support/requires";
import { fileResource, parseUserData, renderAll, synthLocal, localConfig } from "./support";

const NODES = ["master01", "worker01", "worker02", "nfs01"];
const mode = (path: string) => statSync(path).mode & 0o777;

describe("lab keys (deploy, before terraform)", () => {
  it("creates the admin key pair and a host key per node, owner-only, and known_hosts naming every node", () => {
    const root = scratchDir();
    const { created } = ensureLabKeys(root, NODES);
    assert.deepEqual(created, [LAB_KEY, ...NODES.map(hostKeyPath)]);
    assert.equal(mode(join(root, "state")), 0o700);
    assert.equal(mode(join(root, SSH_DIR)), 0o700);
    for (const key of [LAB_KEY, ...NODES.map(hostKeyPath)]) {
      assert.equal(mode(join(root, key)), 0o600, `${key} is owner-only`);
      assert.match(readFileSync(join(root, key), "utf8"), /^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/);
      assert.match(readFileSync(join(root, `${key}.pub`), "utf8"), /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} clusterkit-/);
    }
    const known = readFileSync(join(root, KNOWN_HOSTS), "utf8").trim().split("\n");
    assert.deepEqual(
      known,
      NODES.map(
        (n) =>
          `${n} ${readFileSync(join(root, `${hostKeyPath(n)}.pub`), "utf8")
            .trim()
            .split(" ")
            .slice(0, 2)
            .join(" ")}`,
      ),
    );
    assert.equal(new Set(known.map((l) => l.split(" ")[2])).size, NODES.length, "one host key per node");
  });

  itIf(missingTools(["ssh-keygen"], "apt-get install openssh-client"), "writes keys OpenSSH reads: ssh-keygen derives the same public key", () => {
    const root = scratchDir();
    ensureLabKeys(root, ["master01"]);
    for (const key of [LAB_KEY, hostKeyPath("master01")]) {
      const r = spawnSync("ssh-keygen", ["-y", "-f", join(root, key)], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), readFileSync(join(root, `${key}.pub`), "utf8").trim());
    }
  });

  it("keeps existing keys on a re-run (the VMs trust them), adds only a new node's, and tightens a loosened key", () => {
    const root = scratchDir();
    ensureLabKeys(root, ["master01", "worker01"]);
    const before = readFileSync(join(root, LAB_KEY), "utf8");
    const hostBefore = readFileSync(join(root, hostKeyPath("worker01")), "utf8");
    chmodSync(join(root, LAB_KEY), 0o644);
    const { created } = ensureLabKeys(root, ["master01", "worker01", "worker03"]);
    assert.deepEqual(created, [hostKeyPath("worker03")]);
    assert.equal(readFileSync(join(root, LAB_KEY), "utf8"), before);
    assert.equal(readFileSync(join(root, hostKeyPath("worker01")), "utf8"), hostBefore);
    assert.equal(mode(join(root, LAB_KEY)), 0o600);
    assert.match(readFileSync(join(root, KNOWN_HOSTS), "utf8"), /^worker03 ssh-ed25519 /m);
  });
});

describe("seed: the admin user and the host key", () => {
  it("every node gets only the admin user, key login only, sudo, no root login, its host key, and Guest Additions at boot", () => {
    for (const [name, seed] of renderAll(localConfig())) {
      const doc = parseUserData(seed["user-data"]);
      const users = doc.users as Record<string, unknown>[];
      assert.equal(users.length, 1, `${name}: no other user (no default ubuntu user)`);
      const { ssh_authorized_keys: keys, ...user } = users[0]!;
      assert.deepEqual(user, {
        name: ADMIN_USER,
        gecos: "clusterkit lab admin",
        groups: ["adm", "sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
      });
      assert.equal((keys as string[]).length, 1);
      assert.match((keys as string[])[0]!, /^ssh-ed25519 /);
      assert.equal(doc.ssh_pwauth, false);
      assert.equal(doc.disable_root, true);
      assert.deepEqual(Object.keys(doc.ssh_keys as object), ["ed25519_private", "ed25519_public"]);
      const boot = (doc.bootcmd as string[][])[0]!;
      assert.deepEqual(boot.slice(0, 2), ["sh", "-c"]);
      assert.match(
        boot[2]!,
        /^command -v VBoxService >\/dev\/null 2>&1 && exit 0\n[\s\S]*apt-get install -y -q --no-install-recommends virtualbox-guest-utils/,
      );
    }
  });

  itIf(
    missingTools(["shellcheck"], "apt-get install shellcheck"),
    "the Guest Additions boot command passes shellcheck (POSIX sh: bootcmd runs it with sh -c)",
    () => {
      const file = join(scratchDir(), "bootcmd.sh");
      writeFileSync(file, GUEST_ADDITIONS_BOOTCMD);
      const r = spawnSync("shellcheck", ["-s", "sh", file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout);
    },
  );

  itIf(
    missingTools(["terraform", "cloud-init"], "terraform from HashiCorp; apt-get install cloud-init"),
    "as Terraform writes it at apply time (from the synthesized stack and deploy's key files) it is valid cloud-config carrying those exact keys",
    () => {
      const root = scratchDir();
      ensureLabKeys(root, NODES);
      // nfs01's user-data holds no cluster identity, so only the key files need to exist to evaluate it.
      const content = String(fileResource(synthLocal().json, "local_sensitive_file", "/seed/nfs01/user-data").content);
      const stackDir = join(root, "cdktf.out", "stacks", "local");
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(join(stackDir, "main.tf.json"), JSON.stringify({ output: { user_data: { value: content, sensitive: true } } }));
      const env = { ...process.env, TF_IN_AUTOMATION: "1", TF_CLI_CONFIG_FILE: "/dev/null" };
      const apply = spawnSync("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: stackDir, env, encoding: "utf8" });
      assert.equal(apply.status, 0, apply.stderr);
      const out = spawnSync("terraform", ["output", "-raw", "user_data"], { cwd: stackDir, env, encoding: "utf8" });
      assert.equal(out.status, 0, out.stderr);
      const userData = out.stdout;

      const file = join(root, "user-data");
      writeFileSync(file, userData);
      const schema = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
      assert.equal(schema.status, 0, `${schema.stdout}${schema.stderr}`);
      assert.match(schema.stdout, /Valid cloud-config/);

      const doc = parse(userData) as { users: { ssh_authorized_keys: string[] }[]; ssh_keys: Record<string, string> };
      assert.deepEqual(doc.users[0]!.ssh_authorized_keys, [readFileSync(join(root, `${LAB_KEY}.pub`), "utf8").trim()]);
      assert.equal(doc.ssh_keys.ed25519_private, readFileSync(join(root, hostKeyPath("nfs01")), "utf8").trim());
      assert.equal(doc.ssh_keys.ed25519_public, readFileSync(join(root, `${hostKeyPath("nfs01")}.pub`), "utf8").trim());
      assert.match(userData, /exportfs -ra/, "the rest of the seed is intact");
    },
    60_000,
  );
});
