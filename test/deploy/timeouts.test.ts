/**
 * A kubectl call killed at its own time limit is a slow API server, not a verdict on the manifest:
 * the runner says the limit killed it, and applying retries it (bounded) like any transient error.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { type ApplyContext, DEFAULT_APPLY_POLICIES, executePlan, isTransient } from "../../src/deploy/apply";
import { Kubectl } from "../../src/deploy/kubectl";
import { memoryReporter } from "../../src/deploy/reporter";
import { processRunner } from "../../src/deploy/runner";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";
import { fakeClock, fakeRunner, kubectlArgs } from "./fakes";

function applyContext(handler: Parameters<typeof fakeRunner>[0]) {
  const runner = fakeRunner(handler);
  const manifestsDir = scratchDir();
  writeFileSync(join(manifestsDir, "40-storage.k8s.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
  const ctx: ApplyContext = {
    kubectl: new Kubectl(runner, "/k/kubeconfig"),
    reporter: memoryReporter(),
    clock: fakeClock(),
    root: scratchDir(),
    manifestsDir,
    fetcher: async () => new Uint8Array(),
    expectedNodes: 1,
    policies: { ...DEFAULT_APPLY_POLICIES, apply: { attempts: 3, intervalMs: 1000, timeoutMs: 60_000 } },
  };
  return { runner, ctx };
}

describe("kubectl call killed at its time limit", () => {
  it("the real runner says the limit killed it, in words the retry classifier knows", async () => {
    const r = await processRunner.run(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { timeoutMs: 300 });
    assert.equal(r.code, 128);
    assert.match(r.stderr, /killed by SIGTERM at its time limit of 300ms/);
    assert.ok(isTransient(r.stderr));
    assert.ok(!isTransient("kubectl: killed by SIGKILL\n"), "a kill by someone else is not ours to retry");
  });

  it("is retried when applying, and succeeds once the API answers in time", async () => {
    let slow = 2;
    const { runner, ctx } = applyContext((call) =>
      kubectlArgs(call)[0] === "apply" && slow-- > 0 ? { code: 128, stderr: "kubectl: killed by SIGTERM at its time limit of 120s\n" } : undefined,
    );
    await executePlan([{ kind: "manifest", file: "40-storage.k8s.yaml" }], ctx);
    assert.equal(runner.calls.length, 3);
  });

  it("gives up after the bounded attempts, naming the file and the time limit", async () => {
    const { runner, ctx } = applyContext(() => ({ code: 128, stderr: "kubectl: killed by SIGTERM at its time limit of 120s\n" }));
    await assert.rejects(
      executePlan([{ kind: "manifest", file: "40-storage.k8s.yaml" }], ctx),
      (e: unknown) =>
        e instanceof UserError &&
        /gave up waiting for 40-storage\.k8s\.yaml to apply .* after 3 attempts/.test(e.message) &&
        /time limit of 120s/.test(e.message),
    );
    assert.equal(runner.calls.length, 3);
  });
});
