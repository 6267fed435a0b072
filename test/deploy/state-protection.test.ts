/** Owner-only Terraform state: the real runner applies a umask to the child, and the state folder helpers. */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf } from "../support/requires";
import { processRunner } from "../../src/deploy/runner";
import { prepareStateDir, protectStateFiles } from "../../src/deploy/state-dir";
import { scratchDir } from "../support/cli";

describe("state protection", () => {
  itIf(
    process.platform === "win32" ? "umask is a POSIX notion" : undefined,
    "the process runner gives the child the requested umask and leaves ours unchanged",
    async () => {
      const ours = process.umask();
      const dir = scratchDir();
      const r = await processRunner.run("sh", ["-c", "umask; echo x > created"], { cwd: dir, umask: 0o077 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "0077");
      assert.equal(statSync(join(dir, "created")).mode & 0o777, 0o600);
      assert.equal(process.umask(), ours);
    },
  );

  it("prepareStateDir creates state/<env> 0700 and tightens an existing 0755 one", () => {
    const root = scratchDir();
    prepareStateDir(root, "local");
    assert.equal(statSync(join(root, "state", "local")).mode & 0o777, 0o700);
    chmodSync(join(root, "state", "local"), 0o755);
    prepareStateDir(root, "local");
    assert.equal(statSync(join(root, "state", "local")).mode & 0o777, 0o700);
  });

  it("protectStateFiles makes terraform.tfstate and its backup 0600 and leaves other files alone", () => {
    const root = scratchDir();
    const dir = join(root, "state", "local");
    mkdirSync(dir, { recursive: true });
    for (const f of ["terraform.tfstate", "terraform.tfstate.backup", "notes.txt"]) {
      writeFileSync(join(dir, f), "{}");
      chmodSync(join(dir, f), 0o644);
    }
    protectStateFiles(root, "local");
    assert.equal(statSync(join(dir, "terraform.tfstate")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "terraform.tfstate.backup")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "notes.txt")).mode & 0o777, 0o644);
  });
});
