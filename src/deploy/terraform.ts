/**
 * Terraform for one stack, run in its synthesized folder (cdktf.out/stacks/<env>): the same as
 * `cdktf deploy <stack>` without the cdktf CLI. Every command is re-entrant: Terraform compares
 * state with reality and only does what is missing.
 */
import { delimiter, dirname } from "node:path";
import { UserError } from "../errors";
import type { Reporter } from "./reporter";
import { type Runner, tail } from "./runner";

/**
 * The VirtualBox provider parses VBoxManage output that is translated in other locales, and
 * automation mode keeps Terraform from suggesting interactive next steps.
 */
const TERRAFORM_ENV: Readonly<Record<string, string>> = { LANG: "C", LC_ALL: "C", TF_IN_AUTOMATION: "1" };

/**
 * TERRAFORM_ENV plus this Node's folder first on PATH: the local stack's seed ISO builder runs as
 * `node scripts/seed-iso.js`, and must find the Node that runs deploy (nvm, Windows installers).
 */
function terraformEnv(): Record<string, string> {
  return { ...TERRAFORM_ENV, PATH: [dirname(process.execPath), process.env.PATH ?? process.env.Path ?? ""].join(delimiter) };
}

/** State (CA key, token, client and node keys) and everything else Terraform writes is owner-only. */
const TERRAFORM_UMASK = 0o077;

/**
 * On Ctrl-C or SIGTERM terraform gets one SIGINT: it finishes the operations in flight, saves its
 * state and exits. Creating a cloud cluster can take a quarter of an hour, so it gets that long.
 */
const TERRAFORM_STOP = { signal: "SIGINT", graceMs: 20 * 60_000 } as const;

/** Known failure texts and what to do about them. */
const HINTS: readonly (readonly [RegExp, string])[] = [
  [
    /No match with get guestproperty output/i,
    "the VirtualBox provider polled a VM's IP before Guest Additions reported it: use a base box with Guest Additions and raise local.provider.delaySeconds (below 300), then run the same command again",
  ],
  [
    /timeout while waiting for state to become 'yes'/i,
    "a VM never reported an IPv4 address: check that the box boots and has Guest Additions, then run the same command again (the VM is replaced)",
  ],
  [
    /machine .* already exists/i,
    "a VM from an interrupted run is registered but not in Terraform state: remove it with `VBoxManage unregistervm <name> --delete` and run again",
  ],
  [/InvalidAccessKeyId|SignatureDoesNotMatch|InvalidAccessKeySecret/i, "Alibaba Cloud rejected the credentials: check the access key pair or profile"],
  [
    /ErrManagedAddonRoleNotAttach/i,
    "the ACK service roles are missing in this account: authorise them once (ACK console > Cloud Resource Access Authorization, see docs/ack.md), then run the same command again",
  ],
];

export class Terraform {
  constructor(
    private readonly runner: Runner,
    /** The stack's folder, cdktf.out/stacks/<env>. */
    private readonly dir: string,
    private readonly reporter: Reporter,
  ) {}

  private async run(what: string, args: readonly string[], stream: boolean): Promise<string> {
    const r = await this.runner.run("terraform", args, {
      cwd: this.dir,
      env: terraformEnv(),
      umask: TERRAFORM_UMASK,
      stop: TERRAFORM_STOP,
      onOutput: stream ? (c) => this.reporter.output(c) : undefined,
    });
    if (r.code !== 0) {
      const text = `${r.stdout}\n${r.stderr}`;
      const hints = HINTS.filter(([re]) => re.test(text)).map(([, h]) => h);
      throw new UserError(`\`terraform ${what}\` failed in ${this.dir} (exit ${r.code})`, [
        ...(stream ? [] : [tail(r.stderr || r.stdout)]),
        ...hints,
        "fix the cause and run the same command again: it resumes from Terraform's state",
      ]);
    }
    return r.stdout;
  }

  init(): Promise<string> {
    return this.run("init", ["init", "-input=false", "-no-color"], true);
  }

  apply(): Promise<string> {
    return this.run("apply", ["apply", "-input=false", "-auto-approve", "-no-color"], true);
  }

  destroy(): Promise<string> {
    return this.run("destroy", ["destroy", "-input=false", "-auto-approve", "-no-color"], true);
  }

  /**
   * One output's value, sensitive ones included (the caller must keep it off argv, logs and disk), or
   * undefined when the state has no such output (e.g. state written by an older version).
   */
  async output(name: string): Promise<unknown> {
    const r = await this.runner.run("terraform", ["output", "-json", "-no-color", name], {
      cwd: this.dir,
      env: terraformEnv(),
      umask: TERRAFORM_UMASK,
      stop: TERRAFORM_STOP,
    });
    if (r.code !== 0) return undefined;
    try {
      return JSON.parse(r.stdout) as unknown;
    } catch {
      return undefined;
    }
  }

  /** `terraform output -json`: `{ name: { value, type, sensitive } }`. */
  async outputs(): Promise<Record<string, { value: unknown; sensitive?: boolean }>> {
    const text = await this.run("output -json", ["output", "-json", "-no-color"], false);
    let raw: unknown;
    try {
      raw = JSON.parse(text || "{}");
    } catch {
      raw = undefined;
    }
    // Only `{ name: { value, sensitive? } }` entries count; the text is never echoed (it may hold sensitive values).
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
      throw new UserError(`\`terraform output -json\` in ${this.dir} did not print a JSON object of outputs (${text.length} bytes)`);
    const out: Record<string, { value: unknown; sensitive?: boolean }> = {};
    for (const [name, o] of Object.entries(raw)) {
      if (o && typeof o === "object" && "value" in o)
        out[name] = { value: (o as { value: unknown }).value, sensitive: (o as { sensitive?: unknown }).sensitive === true };
    }
    return out;
  }
}
