/**
 * The frontend in a real browser (Debian's chromium through playwright-core), behind the
 * oauth2-proxy stand-in, against nats-server with the chart's nats.conf and the real middleware
 * (build/middleware/main.js) whose executor Pods the fake Kubernetes API runs from scripts
 * (startFaasStack). Two users: each submits through the form, sees jobs reach a final state and
 * downloads a valid zip; neither can see the other's jobs, not by listing, not by id, not by
 * forging oauth2-proxy's identity header.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe } from "@jest/globals";
import type { Browser, BrowserContext } from "playwright-core";
import { API_PATHS } from "../../service/contract/http";
import { newJobId } from "../../service/contract/job";
import { FINAL_STATUSES, STATUS_LABELS, type JobStatus } from "../../service/contract/status";
import { itIf, missingTools } from "../support/requires";
import { chromiumPath, launchChromium } from "./support/browser";
import { ensureFrontendBuilt, startFaasStack, type FaasStack } from "./support/faas-stack";
import { ensureMiddlewareBuilt } from "./support/middleware-process";
import { finalStatus, HELLO, JOB_URL, submitJob, signIn } from "./support/pages";
import { readZip } from "../../src/verify/zip";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";

const skip =
  missingTools(["nats-server", "unshare", "openssl"], "apt-get install nats-server util-linux openssl") ??
  (chromiumPath() ? undefined : "chromium is not installed (apt-get install chromium)") ??
  (process.getuid?.() === 0 ? undefined : "needs root to run the frontend on a read-only root filesystem (unshare --mount)");

describe("frontend in a browser, through the oauth2-proxy stand-in", () => {
  let stack: FaasStack;
  let browser: Browser;
  let alice: BrowserContext;
  let bob: BrowserContext;
  const aliceJobs: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    ensureFrontendBuilt();
    ensureMiddlewareBuilt();
    stack = await startFaasStack({ users: [ALICE, BOB] });
    browser = await launchChromium();
    alice = await signIn(browser, stack.url, ALICE);
    bob = await signIn(browser, stack.url, BOB);
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  itIf(skip, "sends a browser without a session to the sign-in page, wherever it goes", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const target = `/job/${newJobId()}`;
    await page.goto(`${stack.url}${target}`);
    assert.equal(page.url(), `${stack.url}/oauth2/sign_in?rd=${encodeURIComponent(target)}`);
    await ctx.close();
  });

  itIf(skip, "answers 401 for every page, route and action without oauth2-proxy's headers; only /api/health is open", async () => {
    const id = newJobId();
    for (const [method, path, headers] of [
      ["GET", "/", { accept: "text/html" }],
      ["GET", `/job/${id}`, { accept: "text/html" }],
      ["GET", `/job/${id}/download`, {}],
      ["POST", "/", { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" }],
      ["GET", "/_next/static/chunks/none.js", {}],
      ["GET", API_PATHS.job(id), {}],
      ["POST", API_PATHS.jobs, { "content-type": "application/json" }],
    ] as const) {
      const r = await fetch(`${stack.frontendUrl}${path}`, { method, headers, redirect: "manual", ...(method === "POST" ? { body: "[]" } : {}) });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.match(await r.text(), /Not signed in: this service is reached only through oauth2-proxy/);
    }
    const health = await fetch(`${stack.frontendUrl}${API_PATHS.health}`);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(await health.text()), { ok: true, nats: { connected: true, state: "connected" } });
  });

  itIf(skip, "runs on a read-only root filesystem (only /tmp and .next/cache writable)", () => {
    const mounts = readFileSync(`/proc/${stack.frontendPid}/mountinfo`, "utf8").split("\n");
    const root = mounts.find((l) => l.split(" ")[4] === "/");
    assert.match(root ?? "", /^\S+ \S+ \S+ \S+ \/ ro[, ]/, root);
    assert.ok(
      mounts.some((l) => l.split(" ")[4] === "/tmp" && / - tmpfs /.test(l)),
      "/tmp is a fresh tmpfs",
    );
    const app = mounts.find((l) => / \/(srv|media) ro[, ]/.test(l));
    assert.ok(app, "the app is mounted read-only");
    assert.ok(
      mounts.some((l) => l.split(" ")[4] === `${app!.split(" ")[4]}/.next/cache` && / - tmpfs /.test(l)),
      ".next/cache is a tmpfs",
    );
    assert.doesNotMatch(stack.frontendLog(), /EROFS|read-only file system/i);
  });

  itIf(skip, "lets alice submit one job per language through the form; each reaches its final state and its zip downloads valid", async () => {
    const page = await alice.newPage();
    // Everything the page loads comes from the service itself (no CDN, no external font).
    const foreign: string[] = [];
    page.on("request", (r) => !r.url().startsWith(`${stack.url}/`) && !r.url().startsWith("data:") && foreign.push(r.url()));
    for (const language of ["go", "javascript", "c"] as const) {
      const id = await submitJob(page, stack.url, language);
      aliceJobs.push(id);
      const status = await finalStatus(page);
      assert.ok(FINAL_STATUSES.has(status), `${language}: ${status}`);
      assert.equal(status, "finished", `${language} job ${id} ended ${status}`);
      assert.match((await page.getByTestId("job-status").textContent()) ?? "", new RegExp(STATUS_LABELS.finished));
      assert.match((await page.getByTestId("stdout").textContent()) ?? "", new RegExp(`hello from ${language}`));
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
      assert.equal(download.suggestedFilename(), `${id}-output.zip`);
      const entries = readZip(readFileSync((await download.path())!));
      const names = entries.map((e) => e.name);
      for (const n of ["stdout.txt", "stderr.txt", "summary.json"]) assert.ok(names.includes(n), `${language}: ${n} in ${names.join(", ")}`);
      assert.equal(entries.find((e) => e.name === "stdout.txt")!.data.toString(), await page.getByTestId("stdout").textContent());
    }
    assert.deepEqual(foreign, []);
    await page.close();
  });

  itIf(skip, "shows how a job ended: the signal, the limit that was hit, truncation, compiler output", async () => {
    // The scripted executor Pod ends as the source's `// scenario:` line says (test/middleware/harness.ts).
    const page = await alice.newPage();
    const run = async (status: JobStatus, scenario: string) => {
      await page.goto(`${stack.url}/`);
      await page.getByLabel("Language").selectOption("c");
      await page.getByLabel("Source code").fill(`// scenario: ${scenario}\nint main(void) { return 0; }\n`);
      await page.getByRole("button", { name: "Run" }).click();
      await page.waitForURL(JOB_URL, { timeout: 20_000 });
      aliceJobs.push(JOB_URL.exec(page.url())![1]!);
      assert.equal(await finalStatus(page), status);
      assert.match((await page.getByTestId("job-status").textContent()) ?? "", new RegExp(STATUS_LABELS[status].replace(/[()]/g, ".")));
    };
    await run("runtime-error", "segfault");
    assert.equal(await page.getByTestId("run-exit").textContent(), "killed by SIGSEGV");
    assert.equal(await page.getByTestId("truncated").textContent(), "no");
    await run("output-limit", "output-flood");
    assert.equal(await page.getByTestId("limit").textContent(), "output size");
    assert.match((await page.getByTestId("truncated").textContent()) ?? "", /^yes/);
    await run("compile-error", "compile-error");
    assert.equal(await page.getByTestId("compile-exit").textContent(), "exit code 1");
    assert.match((await page.getByTestId("compile-output").textContent()) ?? "", /error: expected ';'/);
    assert.equal(await page.getByTestId("run-exit").count(), 0);
    await page.close();
  });

  itIf(skip, "lists alice's jobs newest first and refreshes the list by itself", async () => {
    const list = await alice.newPage();
    await list.goto(`${stack.url}/`);
    const ids = await list.locator("table[data-testid=jobs] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id")));
    assert.deepEqual(ids, [...aliceJobs].reverse());
    // A job submitted elsewhere appears without a reload (the page keeps its own state).
    await list.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const other = await alice.newPage();
    const id = await submitJob(other, stack.url, "go");
    aliceJobs.push(id);
    await list.locator(`tr[data-job-id="${id}"] [data-status="finished"]`).waitFor({ timeout: 15_000 });
    assert.equal(await list.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, "the list refreshed in place, not by reloading");
    await list.close();
    await other.close();
  });

  itIf(skip, "shows bob none of alice's jobs: not listed, not by id, not the zip, not with a forged X-Forwarded-Email", async () => {
    const page = await bob.newPage();
    await page.goto(`${stack.url}/`);
    assert.equal(await page.getByTestId("signed-in-as").textContent(), BOB);
    await page.getByTestId("no-jobs").waitFor();
    const aliceId = aliceJobs[0]!;
    for (const id of [aliceId, newJobId()]) {
      const r = await page.goto(`${stack.url}/job/${id}`);
      assert.equal(r?.status(), 404, `bob opening ${id}`);
      await page.getByTestId("not-found").waitFor();
      const dl = await page.request.get(`${stack.url}/job/${id}/download`);
      assert.equal(dl.status(), 404);
      assert.match(await dl.text(), /No such job output/);
    }
    // His own job works, so the 404s above are about ownership.
    const own = await submitJob(page, stack.url, "go");
    assert.equal(await finalStatus(page), "finished");
    assert.equal((await page.request.get(`${stack.url}/job/${own}/download`)).status(), 200);
    await page.goto(`${stack.url}/`);
    assert.deepEqual(await page.locator("table[data-testid=jobs] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id"))), [own]);
    await page.close();

    // Bob's browser claims to be alice: the stand-in drops the header, the session decides.
    const forged = await browser.newContext({
      extraHTTPHeaders: { "X-Forwarded-Email": ALICE, "X-Forwarded-User": "alice" },
      storageState: await bob.storageState(),
    });
    const fp = await forged.newPage();
    await fp.goto(`${stack.url}/`);
    assert.equal(await fp.getByTestId("signed-in-as").textContent(), BOB);
    const ids = await fp.locator("table[data-testid=jobs] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id")));
    assert.deepEqual(ids, [own]);
    assert.equal((await fp.goto(`${stack.url}/job/${aliceId}`))?.status(), 404);
    assert.equal((await fp.request.get(`${stack.url}/job/${aliceId}/download`)).status(), 404);
    await forged.close();
  });

  itIf(skip, "stops an invalid form in the browser before anything is sent", async () => {
    const page = await alice.newPage();
    await page.goto(`${stack.url}/`);
    const posts: string[] = [];
    page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    await page.getByLabel("Language").selectOption("go");
    await page.getByLabel("File name").fill("main.py");
    await page.getByLabel("Source code").fill("print('hi')");
    await page.getByRole("button", { name: "Run" }).click();
    const problems = await page.getByTestId("form-problems").textContent();
    assert.match(problems ?? "", /files\[0\]\.name: go files must end in \.go/);
    assert.deepEqual(posts, []);
    assert.equal(page.url(), `${stack.url}/`);
    await page.close();
  });

  // Last: it stops the middleware.
  itIf(skip, "shows 'no middleware answering' on the form instead of failing when nothing answers on cola.<lang>", async () => {
    await stack.middleware.stop();
    const page = await alice.newPage();
    await page.goto(`${stack.url}/`);
    await page.getByLabel("Source code").fill(HELLO.go);
    await page.getByRole("button", { name: "Run" }).click();
    const error = page.getByTestId("submit-error");
    await error.waitFor({ timeout: 15_000 });
    assert.match((await error.textContent()) ?? "", /No middleware is answering on cola\.go/);
    assert.equal(page.url(), `${stack.url}/`);
    assert.equal(await page.getByLabel("Source code").inputValue(), HELLO.go, "the form keeps what the user typed");
    await page.close();
  });
});
