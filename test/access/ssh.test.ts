/**
 * `npm run ssh` and `npm run logs`, run in-process with a fake `ssh` on PATH that records its
 * arguments: the right user, address, key and host-key checking, the exit status passed through,
 * and clear refusals when the key, the known hosts or ssh is missing.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { logsMain, sshMain } from "../../src/cli/commands/ssh";
import { memoryIo, runCommand } from "../../src/cli/io";
import { KNOWN_HOSTS, LAB_KEY, SSH_DIR } from "../../src/contracts/node-access";
import { configFile, scratchDir } from "../support/cli";
import { stubBin } from "../deploy/fakes";
import { fakePem } from "../support/fake-pem";

/** A project root whose lab key and known hosts exist (as deploy leaves them). */
function deployedRoot(nodes = ["master01", "worker01", "worker02", "nfs01"]): string {
  const root = scratchDir();
  mkdirSync(join(root, SSH_DIR), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, LAB_KEY), fakePem("OPENSSH PRIVATE KEY", "fake"), { mode: 0o600 });
  writeFileSync(join(root, KNOWN_HOSTS), nodes.map((n) => `${n} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKey${n}`).join("\n") + "\n");
  return root;
}

const FAKE_SSH = `printf '%s\\n' "$@" > "$FAKE_SSH_LOG"; exit "\${FAKE_SSH_EXIT:-0}"`;

async function run(main: typeof sshMain, argv: string[], opts: { root?: string; env?: Record<string, string>; ssh?: boolean } = {}) {
  const root = opts.root ?? deployedRoot();
  const log = join(scratchDir(), "ssh-args");
  const path = opts.ssh === false ? stubBin({}) : stubBin({ ssh: FAKE_SSH });
  const io = memoryIo({ PATH: path, FAKE_SSH_LOG: log, ...opts.env }, root);
  const code = await runCommand(main, argv, io);
  let args: string[] | undefined;
  try {
    args = readFileSync(log, "utf8").trimEnd().split("\n");
  } catch {
    args = undefined;
  }
  return { code, out: io.stdout(), err: io.stderr(), args, root };
}

describe("npm run ssh", () => {
  it("connects as the admin user to the node's host-only address with the lab key, refusing unknown host keys", async () => {
    const r = await run(sshMain, ["worker02"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.args, [
      "-i",
      join(r.root, LAB_KEY),
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      `UserKnownHostsFile=${join(r.root, KNOWN_HOSTS)}`,
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "HostKeyAlias=worker02",
      "-o",
      "ConnectTimeout=10",
      "clusterkit@192.168.60.22",
    ]);
  });

  it("runs a command after -- and passes ssh's exit status through", async () => {
    const r = await run(sshMain, ["master01", "--", "sudo", "crictl", "ps", "--help"], { env: { FAKE_SSH_EXIT: "3" } });
    assert.equal(r.code, 3);
    assert.deepEqual(r.args?.slice(-4), ["sudo", "crictl", "ps", "--help"], "--help after -- belongs to the remote command");
  });

  it("follows the configured addresses", async () => {
    const config = configFile({ local: { nfs: { ip: "192.168.60.40" } } });
    const r = await run(sshMain, ["nfs01"], { env: { CLUSTERKIT_CONFIG: config } });
    assert.equal(r.args?.at(-1), "clusterkit@192.168.60.40");
  });

  it("--print prints the command line without running ssh", async () => {
    const r = await run(sshMain, ["master01", "--print"], { ssh: false });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ssh -i \S+\/state\/local\/ssh\/id_ed25519 -o IdentitiesOnly=yes .* clusterkit@192\.168\.60\.11\n$/);
  });

  it("--help lists the nodes, the options and examples", async () => {
    const r = await run(sshMain, ["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^usage: npm run ssh -- <node> \[--print\] \[-- <command>\.\.\.\]/);
    assert.match(r.out, /<node> +the VM to connect to; one of: master01, worker01, worker02, nfs01/);
    assert.match(r.out, /npm run ssh -- worker01 -- sudo crictl ps/);
    assert.equal(r.args, undefined, "ssh not run");
  });

  it("refuses an unknown node, an unknown option and a missing node, naming the valid ones", async () => {
    const unknown = await run(sshMain, ["worker09"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /clusterkit: unknown node "worker09"; expected one of master01, worker01, worker02, nfs01/);
    const option = await run(sshMain, ["master01", "--verbose"]);
    assert.match(option.err, /unknown option "--verbose"; valid options: --print, --help/);
    const none = await run(sshMain, []);
    assert.match(none.err, /no node given; expected one of master01, worker01, worker02, nfs01/);
    for (const r of [unknown, option, none]) assert.equal(r.args, undefined);
  });

  it("says how to get the key, the host keys or ssh when one is missing", async () => {
    const noKey = await run(sshMain, ["master01"], { root: scratchDir() });
    assert.equal(noKey.code, 1);
    assert.match(noKey.err, /no lab SSH key at state\/local\/ssh\/id_ed25519: `npm run deploy -- local` generates it/);
    const noHost = await run(sshMain, ["worker02"], { root: deployedRoot(["master01"]) });
    assert.match(noHost.err, /state\/local\/ssh\/known_hosts has no host key for worker02: run `npm run deploy -- local`/);
    const noSsh = await run(sshMain, ["master01"], { ssh: false });
    assert.match(noSsh.err, /ssh not found on PATH; install an OpenSSH client/);
  });
});

describe("npm run logs", () => {
  it("prints the node's bootstrap log over the same connection", async () => {
    const r = await run(logsMain, ["worker01"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.args?.slice(-4), ["clusterkit@192.168.60.21", "sudo", "cat", "/var/log/cloud-init-output.log"]);
    assert.ok(r.args?.includes("StrictHostKeyChecking=yes"));
  });

  it("--follow keeps printing", async () => {
    const r = await run(logsMain, ["master01", "--follow"]);
    assert.deepEqual(r.args?.slice(-6), ["sudo", "tail", "-n", "+1", "-F", "/var/log/cloud-init-output.log"]);
  });

  it("--help, and refuses a trailing command or unknown node", async () => {
    const help = await run(logsMain, ["--help"]);
    assert.match(help.out, /^usage: npm run logs -- <node> \[--follow\]/);
    assert.match(help.out, /examples:\n {2}npm run logs -- worker01\n/);
    const rest = await run(logsMain, ["master01", "--", "rm", "-rf", "/"]);
    assert.equal(rest.code, 1);
    assert.match(rest.err, /unexpected '--': this command takes no trailing command/);
    assert.equal(rest.args, undefined);
  });
});
