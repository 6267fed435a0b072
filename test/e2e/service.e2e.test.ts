/**
 * The whole code-execution service on this machine, nothing scripted: a real browser signs in
 * through the oauth2-proxy stand-in, the built Next.js frontend publishes on NATS (nats-server with
 * the chart's nats.conf), the real middleware (build/middleware/main.js) creates executor Pods from
 * the chart's PodTemplates through the fake Kubernetes API (RBAC from the synthesized Role, Pod
 * Security `restricted`), and those Pods run for real with podman from the executor images this
 * repository builds — under gVisor (runsc, the local default) when it is installed, else runc.
 * Two users; every job's result is what the program really did; neither user sees the other's.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe } from "@jest/globals";
import type { Browser, BrowserContext } from "playwright-core";
import { LANGUAGES } from "../../service/contract/languages";
import { executorImages, executorImagesSkipReason } from "../support/executor-images";
import { podmanPodRunner, type PodmanPodRunner } from "../support/podman-pod-runner";
import { hasTool, itIf, missingTools } from "../support/requires";
import { chromiumPath, launchChromium } from "./support/browser";
import { ensureFrontendBuilt, startFaasStack, type FaasStack } from "./support/faas-stack";
import { ensureMiddlewareBuilt, middlewareProcess } from "./support/middleware-process";
import { finalStatus, listedJobIds, signIn, submitJob } from "./support/pages";
import { readZip } from "../../src/verify/zip";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";

const skip =
  missingTools(["nats-server", "unshare", "openssl", "podman"], "apt-get install nats-server util-linux openssl podman") ??
  executorImagesSkipReason() ??
  (chromiumPath() ? undefined : "chromium is not installed (apt-get install chromium)");
/** The PodTemplates ask for gVisor locally; without runsc the same Pods run under runc. */
const RUNTIME = hasTool("runsc") ? "runsc" : "runc";

describe(`the code-execution service end to end (executor Pods under ${RUNTIME})`, () => {
  let stack: FaasStack;
  let runner: PodmanPodRunner;
  let browser: Browser;
  let alice: BrowserContext;
  let bob: BrowserContext;
  const aliceJobs: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    executorImages();
    ensureFrontendBuilt();
    ensureMiddlewareBuilt();
    runner = podmanPodRunner(RUNTIME === "runc" ? { runtime: "runc" } : {});
    stack = await startFaasStack({ users: [ALICE, BOB], middleware: middlewareProcess({ runner }) });
    browser = await launchChromium();
    alice = await signIn(browser, stack.url, ALICE);
    bob = await signIn(browser, stack.url, BOB);
  }, 30 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await Promise.allSettled(runner?.runs ?? []);
  });

  itIf(skip, "runs one hello-world job per language from the form to a finished state, with the program's real output in the page and the zip", async () => {
    const page = await alice.newPage();
    for (const language of LANGUAGES) {
      const id = await submitJob(page, stack.url, language);
      aliceJobs.push(id);
      const status = await finalStatus(page, 5 * 60_000);
      assert.equal(
        status,
        "finished",
        `${language} job ${id} ended ${status}:\n${await page.getByTestId("job-status").textContent()}\n${stack.middleware.log?.().slice(-3000)}`,
      );
      assert.equal(await page.getByTestId("stdout").textContent(), `hello from ${language}\n`);
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
      assert.equal(download.suggestedFilename(), `${id}-output.zip`);
      const entries = readZip(readFileSync((await download.path())!));
      const entry = (name: string) => entries.find((e) => e.name === name)?.data.toString();
      assert.equal(entry("stdout.txt"), `hello from ${language}\n`);
      assert.equal(entry("stderr.txt"), "");
      const summary = JSON.parse(entry("summary.json") ?? "{}");
      assert.deepEqual([summary.id, summary.language, summary.status, summary.run?.exitCode], [id, language, "finished", 0], entry("summary.json"));
      if (language !== "javascript") assert.equal(summary.compile?.exitCode, 0, "Go and C were compiled");
    }
    await page.close();
  });

  itIf(skip, "reports what really happened to a failing program: a segfault is a runtime error, an endless loop hits the time limit", async () => {
    const page = await alice.newPage();
    const segfault = await submitJob(page, stack.url, "c", "int main(void) { volatile int *p = 0; return *p; }\n");
    aliceJobs.push(segfault);
    assert.equal(await finalStatus(page, 5 * 60_000), "runtime-error");
    assert.equal(await page.getByTestId("run-exit").textContent(), "killed by SIGSEGV");
    const loop = await submitJob(page, stack.url, "javascript", "for (;;) {}\n");
    aliceJobs.push(loop);
    assert.equal(await finalStatus(page, 5 * 60_000), "time-limit");
    assert.equal(await page.getByTestId("limit").textContent(), "run time");
    await page.close();
  });

  itIf(skip, "keeps each user's jobs to that user: bob sees none of alice's, and his own job runs", async () => {
    const page = await bob.newPage();
    await page.goto(`${stack.url}/`);
    await page.getByTestId("no-jobs").waitFor();
    for (const id of aliceJobs) {
      assert.equal((await page.goto(`${stack.url}/job/${id}`))?.status(), 404, `bob opening alice's ${id}`);
      assert.equal((await page.request.get(`${stack.url}/job/${id}/download`)).status(), 404);
    }
    const own = await submitJob(page, stack.url, "c");
    assert.equal(await finalStatus(page, 5 * 60_000), "finished");
    assert.equal(await page.getByTestId("stdout").textContent(), "hello from c\n");
    await page.goto(`${stack.url}/`);
    assert.deepEqual(await listedJobIds(page), [own]);
    const mine = await alice.newPage();
    await mine.goto(`${stack.url}/`);
    assert.deepEqual(await listedJobIds(mine), [...aliceJobs].reverse());
    await mine.close();
    await page.close();
  });

  itIf(skip, "ran exactly one executor Pod per job, each to completion", async () => {
    const results = await Promise.all(runner.runs);
    assert.equal(results.length, aliceJobs.length + 1, "one Pod per job, none run twice");
    assert.ok(
      results.every((r) => r?.phase === "Succeeded"),
      results.map((r) => r?.phase).join(", "),
    );
  });
});
