/**
 * The config file is read as plain, bounded data: only a regular file under the size cap, never
 * blocking on a pipe or device; YAML tags outside the JSON types and prototype keys are refused,
 * never silently dropped; errors quote the file only up to a bounded length.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { CONFIG_FILE_LIMIT, readConfigFile } from "../../src/config/config-file";
import { loadConfig, validateConfigs } from "../../src/config/load";
import { ENVIRONMENT_NAMES } from "../../src/config/schema";
import { UserError } from "../../src/errors";
import { runEntry, scratchDir } from "../support/cli";
import { itIf, missingTools } from "../support/requires";

function fileWith(text: string): string {
  const file = join(scratchDir(), "clusterkit.yaml");
  writeFileSync(file, text);
  return file;
}

function refusal(file: string, limit?: number): string {
  try {
    readConfigFile(file, ENVIRONMENT_NAMES, limit);
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return err.message;
  }
  assert.fail(`${file} was accepted`);
}

describe("what the config file may be", () => {
  it("a folder, a device, an oversized file or a binary one is refused at once, naming the file", () => {
    assert.match(refusal(scratchDir()), /is not a regular file \(a folder\)/);
    assert.match(refusal("/dev/zero"), /is not a regular file \(a device\)/);
    assert.match(refusal(fileWith("local: {}\n".repeat(20)), 100), /is 200 bytes; the limit is 100 bytes/);
    assert.match(refusal(fileWith("local:\u0000\n")), /is binary/);
    assert.equal(CONFIG_FILE_LIMIT, 1024 * 1024);
  });

  itIf(
    process.platform === "win32" ? "FIFOs are POSIX" : missingTools(["mkfifo"]),
    "a FIFO nobody writes to is refused at once instead of hanging (real CLI)",
    () => {
      const fifo = join(scratchDir(), "config.fifo");
      execFileSync("mkfifo", [fifo]);
      const r = runEntry("src/cli/config.ts", ["local"], { CLUSTERKIT_CONFIG: fifo });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /is not a regular file \(a pipe\)/);
    },
  );
});

describe("plain JSON data only", () => {
  it("YAML tags outside the JSON types are refused with their path, not silently dropped", () => {
    const m = refusal(fileWith("local:\n  workers: !!set {a, b}\n  cni: !!binary aGVsbG8=\n  kubernetes: !custom {version: '1.30'}\n"));
    assert.match(m, /local\.workers: YAML tag "tag:yaml\.org,2002:set" is not allowed/);
    assert.match(m, /local\.cni: YAML tag "tag:yaml\.org,2002:binary" is not allowed/);
    assert.match(refusal(fileWith("local:\n  workers: !!omap [a: 1]\n")), /YAML tag "tag:yaml\.org,2002:omap"/);
    assert.match(refusal(fileWith("local:\n  kubernetes: !custom {version: '1.30'}\n")), /local\.kubernetes: YAML tag "!custom" is not allowed/);
  });

  it("prototype keys are refused wherever they appear, in YAML and in JSON", () => {
    assert.match(refusal(fileWith("__proto__:\n  polluted: true\nlocal: {}\n")), /__proto__: the key __proto__ is not allowed/);
    assert.match(refusal(fileWith('{"ack-managed": {"tags": {"constructor": "x"}}}')), /ack-managed\.tags\.constructor: the key constructor is not allowed/);
    const parsed = JSON.parse('{"local": {"webApp": {"__proto__": {"enabled": false}}}}') as Record<string, unknown>;
    const { problems } = validateConfigs(parsed);
    assert.deepEqual(
      problems.map((p) => `${p.path}: ${p.message}`),
      ["local.webApp.__proto__: the key __proto__ is not allowed (it is not a config field)"],
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("duplicate keys and non-finite numbers are refused", () => {
    assert.match(refusal(fileWith("local: {}\nlocal: {}\n")), /not valid YAML or JSON at line 2, column 1: "Map keys must be unique"\n/);
    assert.match(refusal(fileWith("local:\n  provider: {delaySeconds: .inf}\n")), /local\.provider\.delaySeconds: Infinity is not a finite number/);
  });

  it("a system file given as config is refused without echoing it (it parses as a mapping of odd keys)", () => {
    const file = fileWith("root:$6$saltsalt$hashhashhashhashhashhashhashhashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
    assert.throws(
      () => loadConfig({ CLUSTERKIT_CONFIG: file }),
      (e: unknown) =>
        e instanceof UserError && /\(top level\): 2 keys are not environment names \(not shown\)/.test(e.message) && !/saltsalt|daemon/.test(e.message),
    );
  });
});
