/**
 * `npm run ssh -- <node>` and `npm run logs -- <node>`: a shell on a local VM, or its bootstrap log,
 * over the host-only network with the lab's key and the host keys deploy recorded.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_USER, BOOT_LOG, KNOWN_HOSTS, LAB_KEY } from "../../contracts/node-access";
import { clusterNodes } from "../../contracts/local-nodes";
import { loadConfig } from "../../config/load";
import type { LocalConfig } from "../../config/schema";
import { findOnPath } from "../../deploy/runner";
import { UserError } from "../../errors";
import { type CommandSpec, helpText, parseCommandLine } from "../args";
import type { CliIo } from "../io";

function nodeNames(config: LocalConfig): string[] {
  return clusterNodes(config).map((n) => n.vm.name);
}

function sshSpec(nodes: readonly string[]): CommandSpec {
  return {
    command: "npm run ssh --",
    summary: `Opens a shell on a VM of the local environment as ${ADMIN_USER} (sudo without a password), over its host-only address, with the lab key deploy generated (${LAB_KEY}). With a command after \`--\`, runs it there instead.`,
    positionals: [{ name: "node", noun: "node", description: "the VM to connect to", choices: nodes }],
    options: [{ flag: "--print", description: "print the ssh command line instead of running it (for scp, rsync or your own ssh options)" }],
    rest: { name: "command", description: "a command to run on the node instead of a shell" },
    examples: [
      `npm run ssh -- ${nodes[0] ?? "master01"}`,
      `npm run ssh -- ${nodes[1] ?? "worker01"} -- sudo crictl ps`,
      `npm run -s ssh -- ${nodes[0] ?? "master01"} --print`,
    ],
  };
}

function logsSpec(nodes: readonly string[]): CommandSpec {
  return {
    command: "npm run logs --",
    summary: `Prints a local VM's bootstrap log (${BOOT_LOG}: cloud-init and every clusterkit boot step) over SSH, as \`npm run ssh\` connects.`,
    positionals: [{ name: "node", noun: "node", description: "the VM whose log to print", choices: nodes }],
    options: [{ flag: "--follow", description: "keep printing as the log grows (Ctrl-C stops)" }],
    examples: [`npm run logs -- ${nodes[1] ?? "worker01"}`, `npm run logs -- ${nodes[0] ?? "master01"} --follow`],
  };
}

/** The arguments of `ssh` for `node` (paths absolute under `root`). */
function sshArgs(root: string, config: LocalConfig, node: string, command: readonly string[]): string[] {
  const vm = clusterNodes(config).find((n) => n.vm.name === node)!.vm;
  return [
    "-i",
    join(root, LAB_KEY),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile=${join(root, KNOWN_HOSTS)}`,
    // Host keys are known in advance (deploy wrote them), so an unknown or changed key is refused.
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `HostKeyAlias=${node}`,
    "-o",
    "ConnectTimeout=10",
    `${ADMIN_USER}@${vm.ip}`,
    ...command,
  ];
}

/** Refuses early, with the fix, when the key, the known hosts or ssh itself is missing. */
function assertReady(root: string, node: string, env: NodeJS.ProcessEnv): string {
  if (!existsSync(join(root, LAB_KEY))) {
    throw new UserError(`no lab SSH key at ${LAB_KEY}: \`npm run deploy -- local\` generates it and creates the VMs that trust it`);
  }
  const known = join(root, KNOWN_HOSTS);
  if (
    !existsSync(known) ||
    !readFileSync(known, "utf8")
      .split("\n")
      .some((l) => l.startsWith(`${node} `))
  ) {
    throw new UserError(`${KNOWN_HOSTS} has no host key for ${node}: run \`npm run deploy -- local\`, which records every node's host key`);
  }
  const ssh = findOnPath("ssh", env);
  if (!ssh)
    throw new UserError(
      "ssh not found on PATH; install an OpenSSH client (Debian/Ubuntu: sudo apt-get install openssh-client; Windows 10+: the built-in OpenSSH Client feature; macOS: built in)",
    );
  return ssh;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs ssh with the terminal attached; resolves with its exit status. */
function runSsh(ssh: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(ssh, [...args], { stdio: "inherit", env });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

export async function sshMain(argv: readonly string[], io: CliIo): Promise<number> {
  const config = loadConfig(io.env).local;
  const spec = sshSpec(nodeNames(config));
  const cl = parseCommandLine(spec, argv);
  if (cl.help) {
    io.out(helpText(spec));
    return 0;
  }
  const node = cl.positionals.node!;
  const args = sshArgs(io.root, config, node, cl.rest);
  if (cl.options.print) {
    io.out(`${["ssh", ...args].map(shellQuote).join(" ")}\n`);
    return 0;
  }
  return runSsh(assertReady(io.root, node, io.env), args, io.env);
}

export async function logsMain(argv: readonly string[], io: CliIo): Promise<number> {
  const config = loadConfig(io.env).local;
  const spec = logsSpec(nodeNames(config));
  const cl = parseCommandLine(spec, argv);
  if (cl.help) {
    io.out(helpText(spec));
    return 0;
  }
  const node = cl.positionals.node!;
  const ssh = assertReady(io.root, node, io.env);
  // A fixed remote command: nothing from the command line reaches the remote shell.
  const remote = cl.options.follow ? ["sudo", "tail", "-n", "+1", "-F", BOOT_LOG] : ["sudo", "cat", BOOT_LOG];
  return runSsh(ssh, sshArgs(io.root, config, node, remote), io.env);
}
