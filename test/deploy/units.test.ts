/** Small pieces of the deploy step: the process runner, parsers, credential detection, arguments. */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import { DEPLOY_COMMAND, DESTROY_COMMAND, parseDeployArgs } from "../../src/deploy/args";
import { alicloudCredentialsProblem } from "../../src/deploy/credentials";
import { hostOnlyProblems, parseHostOnlyIfs } from "../../src/deploy/hostonly";
import { findOnPath, processRunner } from "../../src/deploy/runner";
import { resolveSecrets } from "../../src/deploy/secret-values";
import { parseSecretsFile } from "../../src/deploy/secrets-file";
import { faasSecrets } from "../../src/contracts/secrets";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { hostOnlyList, stubBin } from "./fakes";

describe("processRunner", () => {
  it("passes stdin, extra env and cwd, and captures output and exit code", async () => {
    const dir = scratchDir();
    const r = await processRunner.run(
      process.execPath,
      [
        "-e",
        "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{console.log(s.toUpperCase()+process.env.EXTRA+process.cwd());console.error('warn');process.exit(3)})",
      ],
      {
        input: "secret via stdin",
        env: { EXTRA: "-x-" },
        cwd: dir,
      },
    );
    assert.equal(r.code, 3);
    assert.equal(r.stdout.trim(), `SECRET VIA STDIN-x-${dir}`);
    assert.equal(r.stderr.trim(), "warn");
  });

  it("reports a missing command as exit 127 instead of throwing", async () => {
    const r = await processRunner.run("clusterkit-no-such-tool", []);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /command not found/);
  });

  it("finds executables on PATH only", () => {
    const bin = stubBin({ terraform: "" });
    assert.equal(findOnPath("terraform", { PATH: bin }), join(bin, "terraform"));
    assert.equal(findOnPath("kubectl", { PATH: bin }), undefined);
  });
});

describe("VBoxManage list hostonlyifs", () => {
  const config = defaultConfigs().local;
  it("parses every interface, names with spaces included", () => {
    const out = hostOnlyList([
      { name: "vboxnet0", ip: "192.168.60.1" },
      { name: "VirtualBox Host-Only Ethernet Adapter #2", ip: "192.168.56.1" },
    ]);
    assert.deepEqual(parseHostOnlyIfs(out), [
      { name: "vboxnet0", ipAddress: "192.168.60.1", networkMask: "255.255.255.0" },
      { name: "VirtualBox Host-Only Ethernet Adapter #2", ipAddress: "192.168.56.1", networkMask: "255.255.255.0" },
    ]);
  });
  it("accepts the configured interface and address, and flags a wrong netmask", () => {
    assert.deepEqual(hostOnlyProblems(config, [{ name: "vboxnet0", ipAddress: "192.168.60.1", networkMask: "255.255.255.0" }]), []);
    const [p] = hostOnlyProblems(config, [{ name: "vboxnet0", ipAddress: "192.168.60.1", networkMask: "255.255.0.0" }]);
    assert.match(p!, /netmask 255\.255\.0\.0, but local\.network\.cidr 192\.168\.60\.0\/24 needs 255\.255\.255\.0/);
  });
});

describe("secrets file and values", () => {
  it("parses KEY=VALUE lines with comments, export and quotes", () => {
    assert.deepEqual(parseSecretsFile("# c\n\nexport A=1\nB = \"two words\"\nC='x=y'\nD=", "f"), { A: "1", B: "two words", C: "x=y", D: "" });
  });
  it("names the bad line, not its content", () => {
    assert.throws(
      () => parseSecretsFile("A=1\nthis-is-secret-garbage\n", "secrets.env"),
      (e: unknown) => e instanceof UserError && /secrets\.env:2: expected KEY=VALUE/.test(e.message) && !e.message.includes("garbage"),
    );
  });
  it("lets the file win over the environment", () => {
    const local = defaultConfigs().local.faas;
    const specs = faasSecrets({ ...local, oauth2Proxy: { ...local.oauth2Proxy, signIn: "provider" } });
    const env = { OAUTH2_PROXY_CLIENT_ID: "from-env", OAUTH2_PROXY_CLIENT_SECRET: "s", OAUTH2_PROXY_COOKIE_SECRET: "0123456789abcdef" };
    const r = resolveSecrets(specs, env, { OAUTH2_PROXY_CLIENT_ID: "from-file" });
    assert.deepEqual(r.problems, []);
    assert.equal(r.secrets[0]!.data["client-id"], "from-file");
    assert.equal(r.secrets[0]!.data["cookie-secret"], "0123456789abcdef");
  });
  it("needs no Secret when the workload is disabled", () => {
    const faas = { ...defaultConfigs().local.faas, enabled: false };
    assert.deepEqual(resolveSecrets(faasSecrets(faas), {}).problems, []);
  });
});

describe("Alibaba Cloud credentials", () => {
  it("accepts either key pair naming", () => {
    assert.equal(alicloudCredentialsProblem({ ALICLOUD_ACCESS_KEY: "a", ALICLOUD_SECRET_KEY: "b" }, undefined), undefined);
    assert.equal(alicloudCredentialsProblem({ ALIBABA_CLOUD_ACCESS_KEY_ID: "a", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "b" }, undefined), undefined);
  });
  it("accepts a profile only when the aliyun config has it", () => {
    const home = scratchDir();
    mkdirSync(join(home, ".aliyun"));
    writeFileSync(join(home, ".aliyun", "config.json"), JSON.stringify({ current: "work", profiles: [{ name: "work", mode: "AK" }] }));
    assert.equal(alicloudCredentialsProblem({ ALICLOUD_PROFILE: "work" }, home), undefined);
    assert.match(alicloudCredentialsProblem({ ALICLOUD_PROFILE: "other" }, home)!, /profile 'other' is not in/);
    assert.match(alicloudCredentialsProblem({ ALICLOUD_PROFILE: "work" }, scratchDir())!, /does not exist/);
  });
});

describe("command-line arguments", () => {
  it("parses the environment and options", () => {
    const user = { INIT_CWD: "/home/u/work" };
    assert.deepEqual(parseDeployArgs(DEPLOY_COMMAND, ["local", "--secrets-file", "s.env"], user), {
      environment: "local",
      secretsFile: "/home/u/work/s.env",
      yes: false,
      planOnly: false,
      skipVerify: false,
    });
    assert.equal(parseDeployArgs(DEPLOY_COMMAND, ["local", "--skip-verify"])?.skipVerify, true);
    assert.equal(
      parseDeployArgs(DEPLOY_COMMAND, ["--secrets-file=../x", "ack-managed"], user)?.secretsFile,
      "/home/u/x",
      "relative to the folder npm was run from (INIT_CWD), not the project root",
    );
    assert.equal(parseDeployArgs(DEPLOY_COMMAND, ["--secrets-file=/etc/s.env", "ack-managed"], user)?.secretsFile, "/etc/s.env");
    assert.equal(parseDeployArgs(DESTROY_COMMAND, ["local", "--yes"])?.yes, true);
    assert.equal(parseDeployArgs(DEPLOY_COMMAND, ["local", "--plan"])?.planOnly, true);
    assert.equal(parseDeployArgs(DEPLOY_COMMAND, ["--help"]), undefined, "--help asks for the help text");
  });
  it("rejects unknown options, missing values, extra arguments and unknown environments, listing the valid ones", () => {
    assert.throws(() => parseDeployArgs(DESTROY_COMMAND, ["local", "--force"]), /unknown option "--force"; valid options: --yes, --help/);
    assert.throws(
      () => parseDeployArgs(DEPLOY_COMMAND, ["local", "--yes"]),
      /unknown option "--yes"; valid options: --secrets-file, --plan, --skip-verify, --help/,
    );
    assert.throws(() => parseDeployArgs(DEPLOY_COMMAND, ["local", "--secrets-file"]), /--secrets-file needs a value \(<path>\)/);
    assert.throws(() => parseDeployArgs(DESTROY_COMMAND, []), /no environment given; expected one of local, ack-managed, ack-dedicated/);
    assert.throws(() => parseDeployArgs(DEPLOY_COMMAND, ["prod"]), /unknown environment "prod"; expected one of local, ack-managed, ack-dedicated/);
    assert.throws(
      () => parseDeployArgs(DEPLOY_COMMAND, ["local", "ack-managed"]),
      /unexpected argument "ack-managed"\nusage: npm run deploy -- <environment> \[--secrets-file <path>\] \[--plan\]/,
    );
  });
});
