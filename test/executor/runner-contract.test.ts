/**
 * runner.c is C and cannot import service/contract: every value the two share is written in both,
 * and this test keeps them equal (a renamed variable or a changed cap fails here, not in a Pod).
 * It also builds the runner exactly as the images do: static, libc only, without a warning.
 */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "@jest/globals";
import { EXECUTOR_PATHS, JOB_ENV, LIMIT_ENV, MAX_OUTPUT_FILES, MAX_OUTPUT_LIMIT_BYTES, MAX_RESULT_PAYLOAD_BYTES } from "../../service/contract/executor";
import { FRAME_BEGIN, MAX_FRAME_BYTES } from "../../service/contract/frame";
import { SOURCE_LIMITS } from "../../service/contract/source";
import { RUNNER_SOURCE } from "../support/runner-build";
import { itIf } from "../support/requires";
import { runner, runnerSkipReason } from "./runner-binary";

const source = readFileSync(RUNNER_SOURCE, "utf8");

/** The value of `#define NAME value`, evaluated when it is arithmetic, unquoted when it is a string. */
function define(name: string): string | number {
  const m = new RegExp(`^#define ${name} (.+)$`, "m").exec(source);
  if (!m) throw new Error(`runner.c has no #define ${name}`);
  const value = m[1]!.replace(/\/\*.*\*\//, "").trim();
  if (/^"[^"]*"$/.test(value)) return value.slice(1, -1);
  if (/^[\d\s*+()-]+$/.test(value)) return Function(`return (${value});`)() as number;
  throw new Error(`#define ${name} is neither a string nor arithmetic: ${value}`);
}

describe("runner.c and service/contract agree", () => {
  const pairs: [string, string | number][] = [
    ["FRAME_BEGIN", FRAME_BEGIN],
    ["MAX_FRAME_BYTES", MAX_FRAME_BYTES],
    ["MAX_RESULT_PAYLOAD_BYTES", MAX_RESULT_PAYLOAD_BYTES],
    ["MAX_OUTPUT_LIMIT_BYTES", MAX_OUTPUT_LIMIT_BYTES],
    ["MAX_OUTPUT_FILES", MAX_OUTPUT_FILES],
    ["SOURCE_MAX_FILES", SOURCE_LIMITS.maxFiles],
    ["SOURCE_MAX_TOTAL_BYTES", SOURCE_LIMITS.maxTotalBytes],
    ["SOURCE_MAX_ENCODED_BYTES", SOURCE_LIMITS.maxEncodedBytes],
    ["SOURCE_FILE", EXECUTOR_PATHS.sourceFile],
    ["WORK_DIR", EXECUTOR_PATHS.workDir],
    ["RESULTS_DIR", EXECUTOR_PATHS.resultsDir],
    ["OUTPUT_DIR", EXECUTOR_PATHS.outputDir],
    ["TMP_DIR", EXECUTOR_PATHS.tmpDir],
    ["JOB_ENV_OUTPUT_DIR", JOB_ENV.outputDir],
    ["ENV_LANGUAGE", LIMIT_ENV.language],
    ["ENV_COMPILE_TIMEOUT", LIMIT_ENV.compileTimeoutMs],
    ["ENV_RUN_TIMEOUT", LIMIT_ENV.runTimeoutMs],
    ["ENV_MEMORY", LIMIT_ENV.memoryBytes],
    ["ENV_OUTPUT", LIMIT_ENV.outputBytes],
    ["ENV_PROCESSES", LIMIT_ENV.maxProcesses],
  ];
  for (const [name, value] of pairs) {
    it(`${name} = ${JSON.stringify(value)}`, () => expect(define(name)).toBe(value));
  }

  it("the frame's end line is the one frame.ts parses", () => {
    expect(`${define("FRAME_END_PREFIX")}${"0".repeat(64)} bytes=1024---`).toMatch(/^---END CLUSTERKIT RESULT v1 sha256=[0-9a-f]{64} bytes=\d+---$/);
  });

  it("four files at the output cap, a summary and the tar headers fit the payload", () => {
    const headers = (4 + MAX_OUTPUT_FILES) * 1024 + 1024;
    expect(4 * MAX_OUTPUT_LIMIT_BYTES + Number(define("SUMMARY_CAP")) + headers).toBeLessThanOrEqual(MAX_RESULT_PAYLOAD_BYTES);
    // base64 grows the payload by 4/3, each 76-character line by one newline.
    expect(Math.ceil(MAX_RESULT_PAYLOAD_BYTES / 3) * 4 * (77 / 76) + 200).toBeLessThan(MAX_FRAME_BYTES);
  });
});

describe("runner build", () => {
  itIf(runnerSkipReason, "compiles warning-free with -static -O2 -Wall -Wextra into a static executable", () => {
    const file = spawnSync("sh", ["-c", 'od -An -c -N4 "$1"; readelf -d "$1" 2>/dev/null | grep -c NEEDED || true', "sh", runner()], { encoding: "utf8" });
    expect(file.stdout).toContain("E   L   F");
    // No dynamic section entries: nothing to load from the image at run time.
    expect(file.stdout.trim().split("\n").pop()).toBe("0");
  });
});
