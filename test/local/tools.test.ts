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

describe("cloud-init schema", () => {
  for (const [version, seeds] of VARIANTS) {
    for (const [name, seed] of seeds) {
      itIf(missingTools(["cloud-init"], "apt-get install cloud-init"), `user-data of ${name} (${version}) is valid cloud-config`, () => {
        const file = join(scratchDir(), "user-data");
        writeFileSync(file, seed["user-data"]);
        const r = run("cloud-init", ["schema", "--config-file", file]);
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /Valid cloud-config/);
      });
    }
  }
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

  it("finds the embedded scripts it is meant to check", () => {
    const paths = new Set([...scripts.keys()].map((k) => k.split(" ")[1]));
    for (const s of ["boot", "packages", "node-prep", "kubeadm-init", "bootstrap-token", "kubeadm-join", "local-volumes", "gvisor", "kata", "nfs-server", "containerd-registry", "image-registry", "seal-seed"]) {
      assert.ok(paths.has(`/usr/local/sbin/clusterkit-${s}.sh`), `missing clusterkit-${s}.sh`);
    }
  });

  for (const [label, content] of scripts) {
    itIf(missingTools(["shellcheck"], "apt-get install shellcheck"), `embedded script ${label} passes shellcheck`, () => {
      const file = join(scratchDir(), "script.sh");
      writeFileSync(file, content);
      const r = run("shellcheck", ["--severity=style", file]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  }

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

  itIf(missingTools(["xorriso"], "apt-get install xorriso"), "xorriso reads it back: label cidata, the three seed files under their real names, the exact content", () => {
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
    const owners = [...listing.stdout.matchAll(/^(\S+)\s+\d+\s+(\d+)\s+(\d+)\s+.*'\/([^']+)'$/gm)].map((m) => `${m[4]} ${m[2]}:${m[3]} ${/w/.test(m[1]!) ? "writable" : "read-only"}`).sort();
    assert.deepEqual(owners, ["meta-data 0:0 read-only", "network-config 0:0 read-only", "user-data 0:0 read-only"], listing.stdout);
    for (const f of SEED_FILES) {
      const extracted = join(scratchDir(), f);
      const x = run("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", `/${f}`, extracted]);
      assert.equal(x.status, 0, x.stderr);
      assert.equal(readFileSync(extracted, "utf8"), seed[f]);
    }
  });

  itIf(missingTools(["isoinfo", "blkid"], "apt-get install genisoimage util-linux"), "is ISO 9660 with a Joliet tree: the kernel-style names and the label cloud-init looks for (blkid LABEL=cidata)", () => {
    const iso = join(scratchDir(), "seed.iso");
    assert.equal(build(iso).status, 0);
    const joliet = run("isoinfo", ["-J", "-f", "-i", iso]).stdout.trim().split("\n").sort();
    assert.deepEqual(joliet, ["/meta-data", "/network-config", "/user-data"]);
    assert.equal(run("isoinfo", ["-J", "-x", "/user-data", "-i", iso]).stdout, seed["user-data"]);
    assert.match(run("isoinfo", ["-d", "-i", iso]).stdout, /^Volume id: CIDATA$/m);
    assert.match(run("blkid", ["-p", "-o", "export", iso]).stdout, /^LABEL=cidata$/m);
    assert.match(run("blkid", ["-p", "-o", "export", iso]).stdout, /^TYPE=iso9660$/m);
  });

  it("writes the ISO owner-only (0600) in an owner-only folder, whatever the caller's umask: it holds the CA key and token", () => {
    const iso = join(scratchDir(), "new dir", "seed.iso");
    const built = build(iso);
    assert.equal(built.status, 0, built.stderr);
    assert.equal(statSync(iso).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(iso)).mode & 0o777, 0o700);
    assert.deepEqual([...readdirSync(dirname(iso))], ["seed.iso"], "no temporary file left");
  });

  itIf(missingTools(["xorriso"], "apt-get install xorriso"), "a Kata-enabled worker's seed (gVisor and Kata installers) builds and reads back unchanged", () => {
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
  });

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
