/** The Debian side of the build, without the network: mmdebstrap's arguments, hooks, specs, dpkg status. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "@jest/globals";
import { finishRootfsHook, mmdebstrapArgs, writeHook } from "../../images/lib/debian/mmdebstrap";
import { parseDpkgStatus } from "../../images/lib/debian/rootfs";
import { debFileName, imageSourcesList, type RootfsSpec, sourceLines, specProblems } from "../../images/lib/debian/spec";

const dir = mkdtempSync(join(tmpdir(), "images-debian-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const essential: RootfsSpec = { name: "executor-go", variant: "essential", include: ["golang-1.23-go/bookworm-backports"], backports: true };
const extract: RootfsSpec = { name: "node-app", variant: "extract", include: ["libc6", "ca-certificates"] };

describe("mmdebstrap arguments", () => {
  const lockRun = mmdebstrapArgs({
    spec: essential,
    mode: "root",
    sources: sourceLines(essential),
    format: "tar",
    output: "/o.tar",
    finishHooks: ["/h/finish"],
    keepDebs: true,
    literalSuites: true,
  });
  const buildRun = mmdebstrapArgs({
    spec: essential,
    mode: "unshare",
    sources: ["deb [trusted=yes] copy:///cache/repo ./"],
    format: "tar",
    output: "/o.tar",
    finishHooks: ["/h/finish"],
    keepDebs: false,
    literalSuites: false,
  });

  it("locks against the real mirror, keeping every downloaded .deb", () => {
    assert.ok(lockRun.includes("--include=golang-1.23-go/bookworm-backports"));
    assert.ok(lockRun.includes("--skip=output/dev,essential/unlink,cleanup/apt/cache"));
    assert.ok(
      lockRun.some((a) => /bookworm-backports main$/.test(a)),
      "backports source when the spec asks",
    );
    assert.ok(!lockRun.some((a) => a.includes("file-mirror-automount")));
  });

  it("builds from the local repository of locked .debs by package name, without device nodes", () => {
    assert.ok(buildRun.includes("--mode=unshare"));
    assert.ok(buildRun.includes("--include=golang-1.23-go"), "the local repository has no suites");
    assert.ok(buildRun.includes("--skip=output/dev"));
    assert.ok(buildRun.includes("--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr"), "merged /usr without the usrmerge package (and its perl)");
    assert.ok(buildRun.includes("--customize-hook=/h/finish"));
    assert.deepEqual(buildRun.slice(-3), ["bookworm", "/o.tar", "deb [trusted=yes] copy:///cache/repo ./"]);
  });

  it("runs the finishing hook after extraction for the extract variant, and slims only dpkg installs", () => {
    const args = mmdebstrapArgs({
      spec: extract,
      mode: "root",
      sources: ["deb x"],
      format: "tar",
      output: "/o",
      finishHooks: ["/h"],
      keepDebs: false,
      literalSuites: false,
    });
    assert.ok(args.includes("--extract-hook=/h"));
    assert.ok(!args.some((a) => a.startsWith("--dpkgopt") || a.includes("merged-usr")));
    assert.ok(buildRun.includes("--dpkgopt=path-include=/usr/share/doc/*/copyright"), "copyright files stay");
  });
});

describe("root filesystem hook", () => {
  function runHook(spec: RootfsSpec, prepare: (root: string) => void): string {
    const root = join(dir, `root-${spec.name}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(root, "etc"), { recursive: true });
    prepare(root);
    const hook = writeHook(join(dir, "hooks"), `finish-${spec.name}`, finishRootfsHook(spec, 1000, "app"));
    const r = spawnSync(hook, [root], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return root;
  }

  it("drops the host's resolv.conf and hostname, writes the public sources and adds uid 1000 once", () => {
    const root = runHook(essential, (r) => {
      writeFileSync(join(r, "etc", "resolv.conf"), "nameserver 10.0.0.1\n");
      writeFileSync(join(r, "etc", "hostname"), "builder\n");
      writeFileSync(join(r, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
      writeFileSync(join(r, "etc", "group"), "root:x:0:\n");
    });
    assert.ok(!existsSync(join(root, "etc", "resolv.conf")) && !existsSync(join(root, "etc", "hostname")));
    assert.equal(readFileSync(join(root, "etc", "apt", "sources.list"), "utf8"), imageSourcesList(essential));
    assert.match(readFileSync(join(root, "etc", "apt", "sources.list"), "utf8"), /^deb http:\/\/deb\.debian\.org\/debian bookworm-backports main$/m);
    assert.equal(readFileSync(join(root, "etc", "passwd"), "utf8"), "root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000:app:/tmp:/usr/sbin/nologin\n");
    assert.equal(readFileSync(join(root, "etc", "group"), "utf8"), "root:x:0:\napp:x:1000:\n");
  });

  it("gives an extracted root filesystem its accounts and a CA bundle in a fixed order", () => {
    const root = runHook(extract, (r) => {
      mkdirSync(join(r, "usr", "share", "ca-certificates", "mozilla"), { recursive: true });
      writeFileSync(join(r, "usr", "share", "ca-certificates", "mozilla", "B.crt"), "B\n");
      writeFileSync(join(r, "usr", "share", "ca-certificates", "mozilla", "A.crt"), "A\n");
    });
    assert.equal(readFileSync(join(root, "etc", "passwd"), "utf8"), "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1000:1000:app:/tmp:/usr/sbin/nologin\n");
    assert.equal(readFileSync(join(root, "etc", "ssl", "certs", "ca-certificates.crt"), "utf8"), "A\nB\n");
  });
});

describe("specs and package files", () => {
  it("accepts package names and bookworm-backports only, and needs backports for it", () => {
    assert.deepEqual(specProblems(essential), []);
    assert.match(specProblems({ ...essential, backports: false }).join("\n"), /needs backports: true/);
    assert.match(specProblems({ ...extract, include: ["libc6; rm -rf /"] }).join("\n"), /must be a Debian package name/);
    assert.match(specProblems({ ...extract, include: ["libc6/sid"] }).join("\n"), /only \/bookworm-backports/);
  });

  it("names .debs as apt does (epoch colon escaped)", () => {
    assert.equal(debFileName({ name: "zlib1g", version: "1:1.2.13.dfsg-1", arch: "amd64" }), "zlib1g_1%3a1.2.13.dfsg-1_amd64.deb");
  });

  it("reads installed packages from a dpkg status file, ignoring removed ones", () => {
    const status = [
      "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64",
      "Package: b\nStatus: deinstall ok config-files\nVersion: 2\nArchitecture: all",
      "Package: c\nStatus: install ok installed\nArchitecture: all\nVersion: 1:3",
    ].join("\n\n");
    assert.deepEqual(
      [...parseDpkgStatus(status)],
      [
        ["a", "1.0 amd64"],
        ["c", "1:3 all"],
      ],
    );
  });
});
