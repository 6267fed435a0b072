/**
 * `npm run deploy` and `npm run destroy` as a user runs them, in-process with PATH reduced to stub
 * executables (one test runs the real entry point in a child process): every preflight failure
 * exits non-zero with a clear message, no stack trace, and creates nothing; `--plan` shows the
 * whole plan even when prerequisites are missing.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { deployMain, destroyMain } from "../../src/cli/commands/deploy";
import { type CommandMain, memoryIo, runCommand } from "../../src/cli/io";
import { defaultBoxPath } from "../../src/config/base-image";
import { processRunner, type Runner } from "../../src/deploy/runner";
import { configFile, runEntry, scratchDir } from "../support/cli";
import { writeDefaultBox } from "../support/box";
import { configWithPinnedImages, hostOnlyList, stubBin } from "./fakes";

const GOOD_COOKIE = "0123456789abcdef0123456789abcdef"; // 32 raw bytes
const SECRET_ENV = {
  OAUTH2_PROXY_CLIENT_ID: "client-id-value",
  OAUTH2_PROXY_CLIENT_SECRET: "client-secret-value-7f3a",
  OAUTH2_PROXY_COOKIE_SECRET: GOOD_COOKIE,
};
/** A VBoxManage stub printing `list` (PATH holds only stubs, so shell builtins only: no `cat`). */
const vboxPrinting = (list: string) => `printf '%s' '${list}'`;
const GOOD_VBOX = vboxPrinting(hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }]));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly root: string;
}

/** Runs commands the way the entry script would, but finding tools on the given PATH only. */
function pathRunner(path: string): Runner {
  return { run: (cmd, args, o = {}) => processRunner.run(cmd, args, { ...o, env: { PATH: path, ...o.env } }) };
}

async function runIn(
  main: typeof deployMain,
  root: string,
  args: readonly string[],
  tools: Record<string, string>,
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  const path = stubBin(tools);
  const io = memoryIo({ PATH: path, HOME: scratchDir("clusterkit-home-"), ...env }, root);
  const code = await runCommand(((a, i) => main(a, i, { runner: pathRunner(path) })) as CommandMain, args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr(), root };
}

/** A scratch project root (with a base box unless `box` says otherwise) and an in-process deploy. */
async function deployIn(
  args: readonly string[],
  opts: { tools: Record<string, string>; env?: Record<string, string | undefined>; box?: boolean | "text"; config?: Record<string, Record<string, unknown>> },
): Promise<Run> {
  const root = scratchDir();
  if (opts.box === "text") {
    mkdirSync(join(root, "boxes"));
    writeFileSync(join(root, defaultBoxPath()), "not a real box");
  } else if (opts.box !== false) writeDefaultBox(root);
  // Images pinned by digest: these tests are about the other prerequisites (images: images.test.ts).
  const config = configFile(configWithPinnedImages(opts.config), scratchDir());
  return runIn(deployMain, root, args, opts.tools, { CLUSTERKIT_CONFIG: config, ...opts.env });
}

/** Exit 1, a `clusterkit:` message, no stack frames, and nothing but the base box in the root. */
function assertCleanRefusal(run: Run): string {
  assert.equal(run.code, 1, `expected exit 1, got ${run.code}\n${run.stderr}`);
  assert.match(run.stderr, /clusterkit: cannot deploy [a-z-]+: \d+ problems? found before anything was created/);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace frames");
  assert.deepEqual(
    [...readdirSync(run.root)].filter((f) => f !== "boxes"),
    [],
    "no state/, cdktf.out/ or dist/ created",
  );
  return run.stderr;
}

/** All a local deploy needs on the host: no ISO tool (scripts/seed-iso.js writes the seeds with Node). */
const LOCAL_TOOLS = { terraform: "", kubectl: "", VBoxManage: GOOD_VBOX };

/** Local with an external provider (the default, local users, needs no Secret values from the user). */
const PROVIDER_SIGN_IN = { local: { faas: { oauth2Proxy: { signIn: "provider" } } } };

/** Public names that are not placeholders (deploy refuses the example.com defaults on ACK). */
const REAL_NAMES = {
  webApp: { host: "web.acme.io" },
  faas: { oauth2Proxy: { redirectUrl: "https://faas.acme.io/oauth2/callback", emailDomains: ["acme.io"] } },
};

describe("deploy preflight (stubbed PATH)", () => {
  it("refuses when terraform is not on PATH, naming it and how to install it", async () => {
    const { terraform: _omit, ...tools } = LOCAL_TOOLS;
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools, env: SECRET_ENV }));
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /terraform not found on PATH; install Terraform/);
  });

  it("refuses when VBoxManage is missing, and asks for no ISO tool", async () => {
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools: { terraform: "", kubectl: "" }, env: SECRET_ENV }));
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /VBoxManage not found on PATH; install VirtualBox 7/);
  });

  it("refuses when the host-only interface does not exist", async () => {
    const vbox = vboxPrinting(hostOnlyList([{ name: "vboxnet1", ip: "192.168.56.1" }]));
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools: { ...LOCAL_TOOLS, VBoxManage: vbox }, env: SECRET_ENV }));
    assert.match(stderr, /host-only interface vboxnet0 does not exist \(found: vboxnet1 192\.168\.56\.1\)/);
    assert.match(stderr, /VBoxManage hostonlyif ipconfig vboxnet0 --ip 192\.168\.60\.1 --netmask 255\.255\.255\.0/);
  });

  it("refuses when the host-only interface has another address", async () => {
    const vbox = vboxPrinting(hostOnlyList([{ name: "vboxnet0", ip: "192.168.56.1" }]));
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools: { ...LOCAL_TOOLS, VBoxManage: vbox }, env: SECRET_ENV }));
    assert.match(stderr, /vboxnet0 has address 192\.168\.56\.1, but local\.network\.hostIp is 192\.168\.60\.1/);
  });

  it("refuses a text file named like the base box, naming the fix", async () => {
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools: LOCAL_TOOLS, env: SECRET_ENV, box: "text" }));
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /base box boxes\/ubuntu-24\.04-\d{8}-vbox\.box is not usable: not a tar archive .*rebuild it with `npm run box -- --force`/);
  });

  it("takes a missing base box as something deploy builds, unless neither qemu-img nor VBoxManage can", async () => {
    const { terraform: _omit, ...tools } = LOCAL_TOOLS;
    const buildable = assertCleanRefusal(await deployIn(["local"], { tools, env: SECRET_ENV, box: false }));
    assert.match(buildable, /1 problem found/, "only terraform: VBoxManage can build the box");
    const stderr = assertCleanRefusal(await deployIn(["local"], { tools: { terraform: "", kubectl: "" }, env: SECRET_ENV, box: false }));
    assert.match(stderr, /base box boxes\/ubuntu-24\.04-\d{8}-vbox\.box not found .* and deploy cannot build it: neither qemu-img nor VBoxManage is on PATH/);
  });

  it("refuses a missing Secret value and a bad cookie secret without printing any value", async () => {
    const badCookie = "tooShortCookieValue1";
    const stderr = assertCleanRefusal(
      await deployIn(["local"], {
        tools: LOCAL_TOOLS,
        config: PROVIDER_SIGN_IN,
        env: { OAUTH2_PROXY_CLIENT_ID: "client-id-value", OAUTH2_PROXY_COOKIE_SECRET: badCookie },
      }),
    );
    assert.match(stderr, /2 problems found/);
    assert.match(stderr, /OAUTH2_PROXY_CLIENT_SECRET is not set \(Secret faas\/oauth2-proxy key client-secret/);
    assert.match(stderr, /OAUTH2_PROXY_COOKIE_SECRET \(Secret faas\/oauth2-proxy key cookie-secret\) must be 16, 24 or 32 bytes/);
    assert.ok(!stderr.includes(badCookie) && !stderr.includes("client-id-value"), "values never printed");
  });

  it("takes Secret values from --secrets-file", async () => {
    const dir = scratchDir();
    const file = join(dir, "secrets.env");
    writeFileSync(
      file,
      `# workload secrets\nOAUTH2_PROXY_CLIENT_ID=abc\nexport OAUTH2_PROXY_CLIENT_SECRET="def"\nOAUTH2_PROXY_COOKIE_SECRET='${GOOD_COOKIE}'\n`,
    );
    const { terraform: _omit, ...tools } = LOCAL_TOOLS;
    const stderr = assertCleanRefusal(await deployIn(["local", "--secrets-file", file], { tools, config: PROVIDER_SIGN_IN }));
    assert.match(stderr, /1 problem found/, "only terraform is missing: the file supplied every Secret value");
  });

  it("refuses ack-managed without Alibaba Cloud credentials", async () => {
    const stderr = assertCleanRefusal(await deployIn(["ack-managed"], { tools: { terraform: "", kubectl: "" }, env: SECRET_ENV }));
    assert.match(stderr, /no Alibaba Cloud credentials found; export ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY/);
  });

  it("names the missing half of an access key pair and never prints the other half", async () => {
    const keyId = "LTAI5tQxExampleKeyId42";
    const stderr = assertCleanRefusal(
      await deployIn(["ack-managed"], { tools: { terraform: "", kubectl: "" }, env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: keyId } }),
    );
    assert.match(stderr, /ALICLOUD_ACCESS_KEY is set but ALICLOUD_SECRET_KEY is not/);
    assert.ok(!stderr.includes(keyId), "the access key id is not printed");
  });

  it("refuses ACK placeholder names (example.com defaults), naming each field", async () => {
    const stderr = assertCleanRefusal(
      await deployIn(["ack-managed"], {
        tools: { terraform: "", kubectl: "" },
        env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: "LTAIexample", ALICLOUD_SECRET_KEY: "k" },
      }),
    );
    assert.match(stderr, /ack-managed\.faas\.oauth2Proxy\.redirectUrl: https:\/\/faas\.example\.com\/oauth2\/callback is a placeholder/);
    assert.match(stderr, /ack-managed\.webApp\.host: web\.example\.com is a placeholder/);
  });

  it("refuses ack-dedicated without the explicit opt-in, even with credentials", async () => {
    const secret = "s3cr3t-AccessKeySecret-value";
    const stderr = assertCleanRefusal(
      await deployIn(["ack-dedicated"], {
        tools: { terraform: "", kubectl: "" },
        env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: "LTAIexample", ALICLOUD_SECRET_KEY: secret },
        config: { "ack-dedicated": REAL_NAMES },
      }),
    );
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /ack-dedicated\.allowDedicatedDeploy/);
    assert.ok(!stderr.includes(secret));
  });

  it("rejects an unknown environment with the list of valid ones", async () => {
    const r = await deployIn(["staging"], { tools: LOCAL_TOOLS, env: SECRET_ENV });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown environment "staging"; expected one of local, ack-managed, ack-dedicated/);
  });
});

describe("destroy confirmation", () => {
  it("needs --yes when stdin is not a terminal", async () => {
    const root = scratchDir();
    const r = await runIn(destroyMain, root, ["local"], { terraform: "", VBoxManage: GOOD_VBOX });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /confirm with --yes: npm run destroy -- local --yes/);
    assert.deepEqual([...readdirSync(root)], []);
  });

  it("refuses an ACK cluster with deletion protection and explains how to turn it off", async () => {
    const root = scratchDir();
    const r = await runIn(destroyMain, root, ["ack-managed", "--yes"], { terraform: "" }, { ALICLOUD_ACCESS_KEY: "a", ALICLOUD_SECRET_KEY: "b" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ack-managed\.cluster\.deletionProtection is true/);
    assert.match(r.stderr, /set ack-managed\.cluster\.deletionProtection: false/);
    assert.deepEqual([...readdirSync(root)], []);
  });

  it("--help, and an unknown option is refused naming the valid ones", async () => {
    const help = await runIn(destroyMain, scratchDir(), ["--help"], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: npm run destroy -- <environment> \[--yes\]\n/);
    assert.match(help.stdout, /--yes +do not ask/);
    assert.match(help.stdout, /examples:\n {2}npm run destroy -- local\n/);
    const bad = await runIn(destroyMain, scratchDir(), ["local", "--force"], {});
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown option "--force"; valid options: --yes, --help/);
  });
});

describe("deploy --help and --plan", () => {
  it("--help lists the argument, the options and examples, without reading the config", async () => {
    const r = await deployIn(["--help"], { tools: {}, env: { CLUSTERKIT_CONFIG: "/nonexistent.yaml" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: npm run deploy -- <environment> \[--secrets-file <path>\] \[--plan\] \[--skip-verify\]\n/);
    assert.match(r.stdout, /<environment> +the environment to act on; one of: local, ack-managed, ack-dedicated/);
    assert.match(r.stdout, /--plan +print what deploy would do/);
    assert.match(r.stdout, /npm run deploy -- local --plan/);
  });

  it("--plan works before anything is installed: the whole plan, then every missing prerequisite; no state created", async () => {
    const r = await deployIn(["local", "--plan"], { tools: {}, box: false, config: PROVIDER_SIGN_IN });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^deploy plan for local \(--plan creates nothing\):\n/);
    assert.match(out, /1\. base box boxes\/ubuntu-24\.04-\d{8}-vbox\.box: missing, built first \(npm run box: downloads Ubuntu 24\.04/);
    assert.match(out, /2\. SSH keys in state\/local\/ssh: the lab admin key and one host key per node/);
    assert.match(out, /3\. terraform init \+ apply in cdktf\.out\/stacks\/local \(\d+ resources: .*virtualbox_vm ×4\)/);
    assert.match(out, /upstream tigera-operator-v3\.32\.1 \(server-side apply/);
    assert.match(out, /manifest 10-cni\.k8s\.yaml[\s\S]*wait for every node Ready[\s\S]*Secrets faas\/oauth2-proxy[\s\S]*manifest 60-faas\.k8s\.yaml/);
    assert.match(out, /container images the manifests run \(\d+; pulled by the nodes\):\n {2}- /);
    assert.match(out, /^ {2}- docker\.io\/library\/nats:2\.14\.2-alpine$/m);
    assert.match(out, /prerequisites missing: deploy stops before creating anything until these \d+ are fixed:/);
    for (const missing of [
      /terraform not found on PATH/,
      /kubectl not found on PATH/,
      /VBoxManage not found on PATH/,
      /OAUTH2_PROXY_CLIENT_ID is not set/,
      /base box .* deploy cannot build it/,
    ])
      assert.match(out, missing);
    assert.deepEqual([...readdirSync(r.root)].sort(), ["cdktf.out", "dist"], "only the synthesized output; no state/, no box, no keys");
  });

  it("--plan with every prerequisite in place says so", async () => {
    const r = await deployIn(["local", "--plan"], { tools: LOCAL_TOOLS, env: SECRET_ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1\. base box boxes\/.*: present \(checked by preflight\)/);
    assert.match(r.stdout, /prerequisites: all present\n$/);
  });
});

describe("the real deploy entry point (child process)", () => {
  it("refuses with exit 1, a clear message and no stack trace when terraform is missing", () => {
    const root = scratchDir();
    writeDefaultBox(root);
    const r = runEntry("scripts/deploy.ts", ["local"], {
      ...SECRET_ENV,
      CLUSTERKIT_CONFIG: configFile(configWithPinnedImages()),
      PATH: stubBin({ kubectl: "", VBoxManage: GOOD_VBOX }),
      HOME: scratchDir("clusterkit-home-"),
      CLUSTERKIT_ROOT: root,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^clusterkit: cannot deploy local: 1 problem found before anything was created:\n {2}- terraform not found on PATH/m);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
