/**
 * Checks with external tools: cloud-init's schema validator, shellcheck, and the ISO tools. Each test
 * skips, saying which tool is missing, when that tool is not installed (.ci/run installs them).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf, missingTools } from "../support/requires";
import { SEED_FILES } from "../../stacks/local/cloud-init/render";
import { PROJECT_ROOT, scratchDir } from "../support/cli";
import { localConfig, parseUserData, renderAll } from "./support";

const SEED_ISO = join(PROJECT_ROOT, "scripts", "seed-iso.js");

/** Every seed under the default config (1.35, sandboxed executors) and under 1.30. */
const VARIANTS = [
  ["1.35", renderAll(localConfig())],
  ["1.35 with Kata", renderAll(localConfig({ runtimes: { kata: { enabled: true } } }))],
  ["1.30", renderAll(localConfig({ kubernetes: { version: "1.30" } }))],
] as const;

function run(cmd: string, args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

/**
 * cloud-init's own validator (what `cloud-init schema --config-file` runs: the same functions,
 * the same schema) over many files in one Python process: the CLI costs a Python start-up and a
 * schema load per file. Interpreter: the one cloud-init's launcher names. Verdict per file.
 */
const CLOUD_INIT_BATCH = `
import json, sys
from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_file
schema = get_schema()
for path in sys.argv[1:]:
    try:
        validate_cloudconfig_file(path, schema)
        print("VERDICT", json.dumps({"path": path, "message": "Valid cloud-config: " + path}))
    except (SchemaValidationError, RuntimeError) as e:
        print("VERDICT", json.dumps({"path": path, "message": str(e)}))
`;

function cloudInitVerdicts(texts: readonly string[]): Map<string, string> {
  const dir = scratchDir();
  const files = texts.map((text, i) => {
    const file = join(dir, `user-data-${i}`);
    writeFileSync(file, text);
    return file;
  });
  const launcher = run("sh", ["-c", "command -v cloud-init"]).stdout.trim();
  const python = /^#!\s*(\S+)/.exec(readFileSync(launcher, "utf8"))?.[1] ?? "python3";
  const r = run(python, ["-c", CLOUD_INIT_BATCH, ...files]);
  assert.equal(r.status, 0, `cloud-init's validator did not run: ${r.stderr}`);
  // The validator also prints (deprecation notes) to stdout: verdicts are the lines marked as such.
  const verdicts = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("VERDICT "))
    .map((l) => JSON.parse(l.slice("VERDICT ".length)) as { path: string; message: string });
  const byPath = new Map(verdicts.map((v) => [v.path, v.message]));
  return new Map(texts.map((text, i) => [text, byPath.get(files[i]!) ?? "no verdict"]));
}

/** shellcheck's findings (empty when clean) per distinct script, from one run over all of them. */
function shellcheckFindings(contents: readonly string[]): Map<string, string> {
  const dir = scratchDir();
  const files = contents.map((content, i) => {
    const file = join(dir, `script-${i}.sh`);
    writeFileSync(file, content);
    return file;
  });
  const r = run("shellcheck", ["--severity=style", "--format=gcc", ...files]);
  // 0: clean, 1: findings; anything else means shellcheck itself failed.
  assert.ok(r.status === 0 || r.status === 1, `shellcheck failed: ${r.stderr}`);
  const lines = r.stdout.split("\n");
  return new Map(contents.map((content, i) => [content, lines.filter((l) => l.startsWith(`${files[i]!}:`)).join("\n")]));
}

/** Computed once, by the first test that asks (none when the tool is missing and every test skips). */
function once<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

describe("cloud-init schema", () => {
  // The same node's seed often repeats across variants: each distinct document is validated once.
  const verdicts = once(() => cloudInitVerdicts([...new Set(VARIANTS.flatMap(([, seeds]) => [...seeds.values()].map((s) => s["user-data"])))]));
  for (const [version, seeds] of VARIANTS) {
    for (const [name, seed] of seeds) {
      itIf(missingTools(["cloud-init"], "apt-get install cloud-init"), `user-data of ${name} (${version}) is valid cloud-config`, () => {
        assert.match(verdicts().get(seed["user-data"]) ?? "", /^Valid cloud-config/);
      });
    }
  }

  itIf(missingTools(["cloud-init"], "apt-get install cloud-init"), "the batched validator refuses what cloud-init refuses, naming the field", () => {
    const broken = "#cloud-config\nhostname: node\nwrite_files: [{ content: x }]\npackage_update: maybe\n";
    const verdict = cloudInitVerdicts([broken]).get(broken) ?? "";
    assert.doesNotMatch(verdict, /^Valid/);
    assert.match(verdict, /write_files\.0/);
    assert.match(verdict, /package_update/);
  });
});

describe("shellcheck", () => {
  const scripts = new Map<string, string>();
  for (const [version, seeds] of VARIANTS) {
    for (const [name, seed] of seeds) {
      for (const f of parseUserData(seed["user-data"]).write_files) {
        if (f.path.startsWith("/usr/local/sbin/")) scripts.set(`${name} ${f.path} (${version})`, f.content);
      }
    }
  }
  // Most scripts are the same on every node and in every variant: each distinct one is checked once.
  const findings = once(() => shellcheckFindings([...new Set(scripts.values())]));

  it("finds the embedded scripts it is meant to check", () => {
    const paths = new Set([...scripts.keys()].map((k) => k.split(" ")[1]));
    for (const s of [
      "boot",
      "packages",
      "node-prep",
      "kubeadm-init",
      "bootstrap-token",
      "kubeadm-join",
      "local-volumes",
      "gvisor",
      "kata",
      "nfs-server",
      "containerd-registry",
      "image-registry",
      "seal-seed",
    ]) {
      assert.ok(paths.has(`/usr/local/sbin/clusterkit-${s}.sh`), `missing clusterkit-${s}.sh`);
    }
  });

  for (const [label, content] of scripts) {
    itIf(missingTools(["shellcheck"], "apt-get install shellcheck"), `embedded script ${label} passes shellcheck`, () => {
      assert.equal(findings().get(content), "");
    });
  }

  itIf(missingTools(["shellcheck"], "apt-get install shellcheck"), "the batched run reports a finding against the script that has it", () => {
    const clean = "#!/bin/sh\necho ok\n";
    const flawed = "#!/bin/sh\necho $1\n";
    const found = shellcheckFindings([clean, flawed]);
    assert.equal(found.get(clean), "");
    assert.match(found.get(flawed) ?? "", /SC2086/);
  });

  itIf(missingTools(["shellcheck"], "apt-get install shellcheck"), "scripts/vbox-nested-virt.sh passes shellcheck as POSIX sh", () => {
    const r = run("shellcheck", ["--shell=sh", "--severity=style", join(PROJECT_ROOT, "scripts", "vbox-nested-virt.sh")]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

describe("seed ISO (scripts/seed-iso.js, Node only)", () => {
  const seed = VARIANTS[0][1].get("worker01");
  assert.ok(seed);
  // A space in the path: the builder is run through a shell by Terraform's local-exec.
  const dir = join(scratchDir(), "worker01 seed");
  mkdirSync(dir);
  for (const f of SEED_FILES) writeFileSync(join(dir, f), seed[f]);
  // As root, give the files a non-root owner, so the ISO's root ownership is really the builder's doing.
  if (process.getuid?.() === 0) for (const f of SEED_FILES) chownSync(join(dir, f), 1234, 1234);
  const build = (iso: string, from = dir) => run("sh", ["-c", `umask 022; exec node "${SEED_ISO}" "$0" "$1"`, from, iso]);

  itIf(
    missingTools(["xorriso"], "apt-get install xorriso"),
    "xorriso reads it back: label cidata, the three seed files under their real names, the exact content",
    () => {
      const iso = join(scratchDir(), "seed.iso");
      const built = build(iso);
      assert.equal(built.status, 0, built.stderr);
      const read = run("xorriso", ["-indev", iso, "-pvd_info", "-find", "/", "-type", "f"]);
      assert.equal(read.status, 0, read.stderr);
      const files = [...read.stdout.matchAll(/^'\/([^']+)'$/gm)].map((m) => m[1]).sort();
      assert.deepEqual(files, ["meta-data", "network-config", "user-data"]);
      // No Rock Ridge: the guest sees every file owned by root and read-only, whoever owned it on the
      // host (the host user's uid would otherwise become the guest's first user's files).
      const listing = run("xorriso", ["-indev", iso, "-find", "/", "-type", "f", "-exec", "lsdl", "--"]);
      const owners = [...listing.stdout.matchAll(/^(\S+)\s+\d+\s+(\d+)\s+(\d+)\s+.*'\/([^']+)'$/gm)]
        .map((m) => `${m[4]} ${m[2]}:${m[3]} ${/w/.test(m[1]!) ? "writable" : "read-only"}`)
        .sort();
      assert.deepEqual(owners, ["meta-data 0:0 read-only", "network-config 0:0 read-only", "user-data 0:0 read-only"], listing.stdout);
      for (const f of SEED_FILES) {
        const extracted = join(scratchDir(), f);
        const x = run("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", `/${f}`, extracted]);
        assert.equal(x.status, 0, x.stderr);
        assert.equal(readFileSync(extracted, "utf8"), seed[f]);
      }
    },
  );

  itIf(
    missingTools(["isoinfo", "blkid"], "apt-get install genisoimage util-linux"),
    "is ISO 9660 with a Joliet tree: the kernel-style names and the label cloud-init looks for (blkid LABEL=cidata)",
    () => {
      const iso = join(scratchDir(), "seed.iso");
      assert.equal(build(iso).status, 0);
      const joliet = run("isoinfo", ["-J", "-f", "-i", iso]).stdout.trim().split("\n").sort();
      assert.deepEqual(joliet, ["/meta-data", "/network-config", "/user-data"]);
      assert.equal(run("isoinfo", ["-J", "-x", "/user-data", "-i", iso]).stdout, seed["user-data"]);
      assert.match(run("isoinfo", ["-d", "-i", iso]).stdout, /^Volume id: CIDATA$/m);
      assert.match(run("blkid", ["-p", "-o", "export", iso]).stdout, /^LABEL=cidata$/m);
      assert.match(run("blkid", ["-p", "-o", "export", iso]).stdout, /^TYPE=iso9660$/m);
    },
  );

  it("writes the ISO owner-only (0600) in an owner-only folder, whatever the caller's umask: it holds the CA key and token", () => {
    const iso = join(scratchDir(), "new dir", "seed.iso");
    const built = build(iso);
    assert.equal(built.status, 0, built.stderr);
    assert.equal(statSync(iso).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(iso)).mode & 0o777, 0o700);
    assert.deepEqual([...readdirSync(dirname(iso))], ["seed.iso"], "no temporary file left");
  });

  itIf(
    missingTools(["xorriso"], "apt-get install xorriso"),
    "a Kata-enabled worker's seed (gVisor and Kata installers) builds and reads back unchanged",
    () => {
      const kataSeed = VARIANTS[1][1].get("worker01")!;
      assert.match(kataSeed["user-data"], /clusterkit-kata\.sh/);
      const kataDir = join(scratchDir(), "kata seed");
      mkdirSync(kataDir);
      for (const f of SEED_FILES) writeFileSync(join(kataDir, f), kataSeed[f]);
      const iso = join(scratchDir(), "seed.iso");
      assert.equal(build(iso, kataDir).status, 0);
      const extracted = join(scratchDir(), "user-data");
      assert.equal(run("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", "/user-data", extracted]).status, 0);
      assert.equal(run("cat", [extracted]).stdout, kataSeed["user-data"]);
    },
  );

  it("refuses a seed directory without user-data, and wrong arguments", () => {
    const empty = scratchDir();
    const r = build(join(empty, "seed.iso"), empty);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /user-data is missing/);
    assert.equal(run(process.execPath, [SEED_ISO]).status, 2);
  });
});

describe("bootstrap-token helper", () => {
  itIf(missingTools(["awk"]), "its awk finds the token in the kubeadm config as rendered", () => {
    const doc = parseUserData(VARIANTS[0][1].get("master01")?.["user-data"] ?? "");
    const config = doc.write_files.find((f) => f.path === "/etc/clusterkit/kubeadm-init.yaml")?.content ?? "";
    const helper = doc.write_files.find((f) => f.path === "/usr/local/sbin/clusterkit-bootstrap-token.sh")?.content ?? "";
    const program = /awk '([^']+)'/.exec(helper)?.[1];
    assert.ok(program, "no awk program in the helper");
    const file = join(scratchDir(), "kubeadm-init.yaml");
    writeFileSync(file, config);
    assert.equal(run("awk", [program, file]).stdout.trim(), "abcdef.0123456789abcdef");
  });
});
