/**
 * `npm run deploy` as a user runs it, in a child process with PATH reduced to stub executables:
 * every preflight failure exits non-zero with a clear message, no stack trace, and creates nothing.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { type CliResult, configFile, runEntry, scratchDir } from "../support/cli";
import { configWithPinnedImages, hostOnlyList, stubBin } from "./fakes";

const GOOD_COOKIE = "0123456789abcdef0123456789abcdef"; // 32 raw bytes
const SECRET_ENV = { OAUTH2_PROXY_CLIENT_ID: "client-id-value", OAUTH2_PROXY_CLIENT_SECRET: "client-secret-value-7f3a", OAUTH2_PROXY_COOKIE_SECRET: GOOD_COOKIE };
const CLEARED = Object.fromEntries(
  ["OAUTH2_PROXY_CLIENT_ID", "OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE", "CLUSTERKIT_CONFIG"].map((k) => [k, undefined]),
);
/** A VBoxManage stub printing `list` (PATH holds only stubs, so shell builtins only: no `cat`). */
const vboxPrinting = (list: string) => `printf '%s' '${list}'`;
const GOOD_VBOX = vboxPrinting(hostOnlyList([{ name: "vboxnet0", ip: "192.168.60.1" }]));

interface Run {
  readonly result: CliResult;
  readonly root: string;
}

/** A scratch project root (with the base box unless `box: false`) and a run of the deploy entry. */
function deployIn(args: readonly string[], opts: { tools: Record<string, string>; env?: Record<string, string | undefined>; box?: boolean; config?: Record<string, Record<string, unknown>> }): Run {
  const root = scratchDir();
  if (opts.box !== false) {
    mkdirSync(join(root, "boxes"));
    writeFileSync(join(root, "boxes", "ubuntu-24.04-vbox.box"), "not a real box");
  }
  const home = scratchDir("clusterkit-home-");
  // Images pinned by digest: these tests are about the other prerequisites (images: images.test.ts).
  const config = configFile(configWithPinnedImages(opts.config), scratchDir());
  const result = runEntry("scripts/deploy.ts", args, { ...CLEARED, PATH: stubBin(opts.tools), HOME: home, CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: config, ...opts.env });
  return { result, root };
}

/** Exit 1, a `clusterkit:` message, no stack frames, and nothing but the base box in the root. */
function assertCleanRefusal({ result, root }: Run): string {
  assert.equal(result.status, 1, `expected exit 1, got ${result.status}\n${result.stderr}`);
  assert.match(result.stderr, /clusterkit: cannot deploy [a-z-]+: \d+ problems? found before anything was created/);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace frames");
  assert.deepEqual([...readdirSync(root)].filter((f) => f !== "boxes"), [], "no state/, cdktf.out/ or dist/ created");
  return result.stderr;
}

const LOCAL_TOOLS = { terraform: "", kubectl: "", VBoxManage: GOOD_VBOX, xorriso: "" };

/** Local with an external provider (the default, local users, needs no Secret values from the user). */
const PROVIDER_SIGN_IN = { local: { faas: { oauth2Proxy: { signIn: "provider" } } } };

/** Public names that are not placeholders (deploy refuses the example.com defaults on ACK). */
const REAL_NAMES = { webApp: { host: "web.acme.io" }, faas: { oauth2Proxy: { redirectUrl: "https://faas.acme.io/oauth2/callback", emailDomains: ["acme.io"] } } };

describe("deploy preflight (real CLI, stubbed PATH)", () => {
  it("refuses when terraform is not on PATH, naming it and how to install it", () => {
    const { terraform: _omit, ...tools } = LOCAL_TOOLS;
    const stderr = assertCleanRefusal(deployIn(["local"], { tools, env: SECRET_ENV }));
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /terraform not found on PATH; install Terraform/);
  });

  it("refuses when VBoxManage and every ISO tool are missing, reporting both together", () => {
    const stderr = assertCleanRefusal(deployIn(["local"], { tools: { terraform: "", kubectl: "" }, env: SECRET_ENV }));
    assert.match(stderr, /2 problems found/);
    assert.match(stderr, /VBoxManage not found on PATH/);
    assert.match(stderr, /no ISO tool found on PATH \(one of xorriso, genisoimage, mkisofs, hdiutil\)/);
  });

  it("refuses when the host-only interface does not exist", () => {
    const vbox = vboxPrinting(hostOnlyList([{ name: "vboxnet1", ip: "192.168.56.1" }]));
    const stderr = assertCleanRefusal(deployIn(["local"], { tools: { ...LOCAL_TOOLS, VBoxManage: vbox }, env: SECRET_ENV }));
    assert.match(stderr, /host-only interface vboxnet0 does not exist \(found: vboxnet1 192\.168\.56\.1\)/);
    assert.match(stderr, /VBoxManage hostonlyif ipconfig vboxnet0 --ip 192\.168\.60\.1 --netmask 255\.255\.255\.0/);
  });

  it("refuses when the host-only interface has another address", () => {
    const vbox = vboxPrinting(hostOnlyList([{ name: "vboxnet0", ip: "192.168.56.1" }]));
    const stderr = assertCleanRefusal(deployIn(["local"], { tools: { ...LOCAL_TOOLS, VBoxManage: vbox }, env: SECRET_ENV }));
    assert.match(stderr, /vboxnet0 has address 192\.168\.56\.1, but local\.network\.hostIp is 192\.168\.60\.1/);
  });

  it("refuses when the base box is missing", () => {
    const stderr = assertCleanRefusal(deployIn(["local"], { tools: LOCAL_TOOLS, env: SECRET_ENV, box: false }));
    assert.match(stderr, /base box boxes\/ubuntu-24\.04-vbox\.box not found/);
  });

  it("refuses a missing Secret value and a bad cookie secret without printing any value", () => {
    const badCookie = "tooShortCookieValue1";
    const stderr = assertCleanRefusal(deployIn(["local"], { tools: LOCAL_TOOLS, config: PROVIDER_SIGN_IN, env: { OAUTH2_PROXY_CLIENT_ID: "client-id-value", OAUTH2_PROXY_COOKIE_SECRET: badCookie } }));
    assert.match(stderr, /2 problems found/);
    assert.match(stderr, /OAUTH2_PROXY_CLIENT_SECRET is not set \(Secret faas\/oauth2-proxy key client-secret/);
    assert.match(stderr, /OAUTH2_PROXY_COOKIE_SECRET \(Secret faas\/oauth2-proxy key cookie-secret\) must be 16, 24 or 32 bytes/);
    assert.ok(!stderr.includes(badCookie) && !stderr.includes("client-id-value"), "values never printed");
  });

  it("takes Secret values from --secrets-file", () => {
    const dir = scratchDir();
    const file = join(dir, "secrets.env");
    writeFileSync(file, `# workload secrets\nOAUTH2_PROXY_CLIENT_ID=abc\nexport OAUTH2_PROXY_CLIENT_SECRET="def"\nOAUTH2_PROXY_COOKIE_SECRET='${GOOD_COOKIE}'\n`);
    const { terraform: _omit, ...tools } = LOCAL_TOOLS;
    const stderr = assertCleanRefusal(deployIn(["local", "--secrets-file", file], { tools, config: PROVIDER_SIGN_IN }));
    assert.match(stderr, /1 problem found/, "only terraform is missing: the file supplied every Secret value");
  });

  it("refuses ack-managed without Alibaba Cloud credentials", () => {
    const stderr = assertCleanRefusal(deployIn(["ack-managed"], { tools: { terraform: "", kubectl: "" }, env: SECRET_ENV }));
    assert.match(stderr, /no Alibaba Cloud credentials found; export ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY/);
  });

  it("names the missing half of an access key pair and never prints the other half", () => {
    const keyId = "LTAI5tQxExampleKeyId42";
    const stderr = assertCleanRefusal(deployIn(["ack-managed"], { tools: { terraform: "", kubectl: "" }, env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: keyId } }));
    assert.match(stderr, /ALICLOUD_ACCESS_KEY is set but ALICLOUD_SECRET_KEY is not/);
    assert.ok(!stderr.includes(keyId), "the access key id is not printed");
  });

  it("refuses ACK placeholder names (example.com defaults), naming each field", () => {
    const stderr = assertCleanRefusal(deployIn(["ack-managed"], { tools: { terraform: "", kubectl: "" }, env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: "LTAIexample", ALICLOUD_SECRET_KEY: "k" } }));
    assert.match(stderr, /ack-managed\.faas\.oauth2Proxy\.redirectUrl: https:\/\/faas\.example\.com\/oauth2\/callback is a placeholder/);
    assert.match(stderr, /ack-managed\.webApp\.host: web\.example\.com is a placeholder/);
  });

  it("refuses ack-dedicated without the explicit opt-in, even with credentials", () => {
    const secret = "s3cr3t-AccessKeySecret-value";
    const stderr = assertCleanRefusal(
      deployIn(["ack-dedicated"], {
        tools: { terraform: "", kubectl: "" },
        env: { ...SECRET_ENV, ALICLOUD_ACCESS_KEY: "LTAIexample", ALICLOUD_SECRET_KEY: secret },
        config: { "ack-dedicated": REAL_NAMES },
      }),
    );
    assert.match(stderr, /1 problem found/);
    assert.match(stderr, /ack-dedicated\.allowDedicatedDeploy/);
    assert.ok(!stderr.includes(secret));
  });

  it("rejects an unknown environment with the list of valid ones", () => {
    const { result } = deployIn(["staging"], { tools: LOCAL_TOOLS, env: SECRET_ENV });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /unknown environment "staging"; expected one of local, ack-managed, ack-dedicated/);
  });
});

describe("destroy confirmation (real CLI)", () => {
  it("needs --yes when stdin is not a terminal", () => {
    const root = scratchDir();
    const r = runEntry("scripts/destroy.ts", ["local"], { ...CLEARED, PATH: stubBin({ terraform: "", VBoxManage: GOOD_VBOX }), CLUSTERKIT_ROOT: root });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /confirm with --yes: npm run destroy -- local --yes/);
    assert.deepEqual([...readdirSync(root)], []);
  });

  it("refuses an ACK cluster with deletion protection and explains how to turn it off", () => {
    const root = scratchDir();
    const r = runEntry("scripts/destroy.ts", ["ack-managed", "--yes"], { ...CLEARED, PATH: stubBin({ terraform: "" }), CLUSTERKIT_ROOT: root, ALICLOUD_ACCESS_KEY: "a", ALICLOUD_SECRET_KEY: "b" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ack-managed\.cluster\.deletionProtection is true/);
    assert.match(r.stderr, /set ack-managed\.cluster\.deletionProtection: false/);
    assert.deepEqual([...readdirSync(root)], []);
  });
});
