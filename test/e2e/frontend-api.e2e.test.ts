/**
 * The frontend's JSON API (service/contract/http.ts) as `npm run verify` uses it: plain fetch, no
 * browser, through the oauth2-proxy stand-in with a session cookie, against the built frontend,
 * nats-server with the chart's nats.conf and the real middleware (executor Pods scripted by the
 * fake Kubernetes API; startFaasStack). One job per language reaches its final state through
 * POST /api/jobs and GET /api/jobs/<id>, its zip downloads; another user, a forged identity header
 * and no session get nothing; with the middleware gone the API answers 503.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { API_PATHS, OUTPUT_ZIP_ENTRIES, type JobSubmission } from "../../service/contract/http";
import { isJobId, newJobId, type JobRecord } from "../../service/contract/job";
import { LANGUAGES, type Language } from "../../service/contract/languages";
import { isFinal } from "../../service/contract/status";
import { helloJob } from "../../src/verify/checks/jobs";
import { itIf, missingTools } from "../support/requires";
import { ensureFrontendBuilt, startFaasStack, type FaasStack } from "./support/faas-stack";
import { ensureMiddlewareBuilt } from "./support/middleware-process";
import { readZip } from "../../src/verify/zip";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";

const skip = missingTools(["nats-server", "openssl"], "apt-get install nats-server openssl");

/** What `npm run verify` submits (the scripted executors answer "hello from <language>" whatever the source). */
const source = (language: Language) => helloJob(language, `clusterkit-verify ${language} e2e`);

describe("frontend JSON API over HTTP, through the oauth2-proxy stand-in (no browser)", () => {
  let stack: FaasStack;
  const ids = new Map<string, string>();
  const as = (email: string, headers: Record<string, string> = {}) => ({ cookie: stack.proxy.sessionCookie(email), ...headers });
  const api = (path: string, init: RequestInit = {}) => fetch(`${stack.url}${path}`, { redirect: "manual", ...init });
  const body = async (r: Response) => JSON.parse(await r.text()) as Record<string, unknown>;

  beforeAll(async () => {
    if (skip) return;
    ensureFrontendBuilt();
    ensureMiddlewareBuilt();
    // The read-only root is the browser test's concern; this one needs neither root nor unshare.
    stack = await startFaasStack({ readOnlyRoot: false });
  }, 15 * 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  itIf(skip, "submits one job per language, follows each to its final state and downloads its zip", async () => {
    for (const language of LANGUAGES) {
      const r = await api(API_PATHS.jobs, {
        method: "POST",
        headers: as(ALICE, { "content-type": "application/json" }),
        body: JSON.stringify({ language, files: source(language) } satisfies JobSubmission),
      });
      assert.equal(r.status, 201, `${language}: ${await r.clone().text()}`);
      const { id } = await body(r);
      assert.ok(isJobId(id), String(id));
      assert.equal(r.headers.get("location"), API_PATHS.job(id));
      ids.set(language, id);
    }
    for (const [language, id] of ids) {
      let record: JobRecord | undefined;
      for (const t = Date.now(); !record || !isFinal(record.status);) {
        assert.ok(Date.now() - t < 60_000, `${language} job ${id} reaches a final state`);
        const r = await api(API_PATHS.job(id), { headers: as(ALICE) });
        assert.equal(r.status, 200);
        record = JSON.parse(await r.text()) as JobRecord;
        if (!isFinal(record.status)) await new Promise((res) => setTimeout(res, 200));
      }
      assert.equal(record.status, "finished", JSON.stringify(record));
      assert.equal(record.id, id);
      assert.equal(record.language, language);
      assert.equal(record.email, ALICE);
      assert.equal(record.result?.stdout, `hello from ${language}\n`);
      const zip = await api(API_PATHS.download(id), { headers: as(ALICE) });
      assert.equal(zip.status, 200);
      assert.equal(zip.headers.get("content-type"), "application/zip");
      const entries = readZip(Buffer.from(await zip.arrayBuffer()));
      assert.equal(entries.find((e) => e.name === OUTPUT_ZIP_ENTRIES.stdout)?.data.toString(), `hello from ${language}\n`);
    }
  });

  itIf(
    skip,
    "refuses what the contract refuses: 400 with the rules, 415 for a form post, 302 to sign-in without a session, 401 at the frontend without identity",
    async () => {
      const bad = await api(API_PATHS.jobs, {
        method: "POST",
        headers: as(ALICE, { "content-type": "application/json" }),
        body: JSON.stringify({ language: "go", files: [{ name: "main.py", content: "print(1)" }] }),
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(await body(bad), { problems: ["files[0].name: go files must end in .go"] });
      const form = await api(API_PATHS.jobs, {
        method: "POST",
        headers: as(ALICE, { "content-type": "application/x-www-form-urlencoded" }),
        body: "language=go",
      });
      assert.equal(form.status, 415);
      const anonymous = await api(API_PATHS.job(ids.get("go")!));
      assert.equal(anonymous.status, 302);
      assert.match(anonymous.headers.get("location") ?? "", /^\/oauth2\/sign_in\?rd=/);
      // Straight at the frontend (nothing but oauth2-proxy can reach it in a cluster): no identity, 401.
      const direct = await fetch(`${stack.frontendUrl}${API_PATHS.job(ids.get("go")!)}`);
      assert.equal(direct.status, 401);
      assert.match(String((await body(direct)).error), /Not signed in/);
    },
  );

  itIf(skip, "shows bob none of alice's jobs, even with a forged X-Forwarded-Email: the same 404 as a job that does not exist", async () => {
    const aliceId = ids.get("c")!;
    const absent = await api(API_PATHS.job(newJobId()), { headers: as(BOB) });
    assert.equal(absent.status, 404);
    const want = await body(absent);
    for (const headers of [as(BOB), as(BOB, { "x-forwarded-email": ALICE, "x-forwarded-user": "alice" })]) {
      const r = await api(API_PATHS.job(aliceId), { headers });
      assert.equal(r.status, 404);
      assert.deepEqual(await body(r), want);
      assert.equal((await api(API_PATHS.download(aliceId), { headers })).status, 404);
    }
    assert.equal((await api(API_PATHS.job("not-a-job-id"), { headers: as(BOB) })).status, 404);
  });

  // Last: it stops the middleware.
  itIf(skip, "answers 503 with the reason when no middleware answers", async () => {
    await stack.middleware.stop();
    const r = await api(API_PATHS.jobs, {
      method: "POST",
      headers: as(ALICE, { "content-type": "application/json" }),
      body: JSON.stringify({ language: "go", files: source("go") }),
    });
    assert.equal(r.status, 503);
    assert.match(String((await body(r)).error), /No middleware is answering on cola\.go/);
    // Reading still works: the job records are in NATS, not in the middleware.
    assert.equal((await api(API_PATHS.job(ids.get("go")!), { headers: as(ALICE) })).status, 200);
  });
});
