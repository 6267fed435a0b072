/**
 * The bundled middleware (build/middleware/main.js, what the image runs) as a process: configured
 * only by the synthesized Deployment's env, its health endpoint, a SIGKILL in the middle of a job
 * with another replica finishing it (the Pod created exactly once), a graceful SIGTERM, and bad
 * configuration refused with exit 2. Slow tier: it bundles the middleware first. The same
 * behaviour in-process (no bundle, no process) is in the fast tier: test/middleware/middleware.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { userIdFromEmail } from "../../service/contract/user";
import type { Middleware } from "../../service/middleware/service";
import { finalOf, type Harness, hold, middlewareProcess, release, SOURCES, startHarness, until } from "../middleware/harness";
import { itIf, missingTools } from "../support/requires";
import { ensureMiddlewareBuilt, MIDDLEWARE_MAIN } from "./support/middleware-process";

const skip = missingTools(["nats-server", "openssl"], "apt-get install nats-server openssl");
let h: Harness;
const user = userIdFromEmail("carol@example.org");
const HEALTH = (port: number, path: string) =>
  fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ code: r.status, body: (await r.json()) as Record<string, unknown> }));

describe("the middleware process", () => {
  beforeAll(async () => {
    if (skip) return;
    ensureMiddlewareBuilt();
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  itIf(
    skip,
    "starts from the chart's env, reports health, and a peer finishes the job it was running when SIGKILLed: one Pod, one result",
    async () => {
      const port = 18000 + Math.floor(Math.random() * 2000);
      // Started while the API answers 503: alive, but not ready.
      h.api.unavailable = true;
      const a = middlewareProcess(h, "middleware-a", { HEALTH_PORT: String(port) });
      let b: Middleware | undefined;
      try {
        await until(
          "health endpoint",
          () =>
            HEALTH(port, "/healthz")
              .then((r) => r.code === 200 || undefined)
              .catch(() => undefined),
          15_000,
        );
        const down = await HEALTH(port, "/readyz");
        assert.equal(down.code, 503);
        assert.deepEqual({ ...down.body }, { ok: false, nats: true, api: false, draining: false });
        h.api.unavailable = false;
        const ready = await until(
          "ready",
          () =>
            HEALTH(port, "/readyz")
              .then((r) => (r.code === 200 ? r : undefined))
              .catch(() => undefined),
          15_000,
        );
        assert.deepEqual({ ...ready.body }, { ok: true, nats: true, api: true, draining: false });

        hold("kill");
        const reply = await h.submit(user, "go", SOURCES.go("// hold: kill"));
        assert.ok(reply.ok);
        await h.waitFor(user, reply.id, (r) => r.status === "running");
        a.child.kill("SIGKILL");
        await new Promise((r) => a.child.once("exit", r));
        assert.ok(!a.output().includes(h.passwords.middleware), "the password never reaches the output");

        b = await h.replica("middleware-b");
        release("kill");
        const r = await h.waitFor(user, reply.id, finalOf);
        assert.equal(r.status, "finished");
        assert.equal(h.api.created.filter((c) => c.endsWith(`/job-${reply.id}`)).length, 1, "the Pod was created once");
        await until("pod deleted", () => !h.api.pods.has(`${h.executorNamespace}/job-${reply.id}`));
      } finally {
        release("kill");
        a.child.kill("SIGKILL");
        // Gone before the next test: a live peer would share its jobs (queue group, reconciliation).
        await b?.stop(2000);
      }
    },
    60_000,
  );

  itIf(
    skip,
    "drains on SIGTERM and exits 0, leaving its running job to a successor",
    async () => {
      const port = 20000 + Math.floor(Math.random() * 2000);
      const c = middlewareProcess(h, "middleware-c", { HEALTH_PORT: String(port) });
      await until(
        "ready",
        () =>
          HEALTH(port, "/readyz")
            .then((r) => r.code === 200 || undefined)
            .catch(() => undefined),
        15_000,
      );
      hold("term");
      try {
        const reply = await h.submit(user, "c", SOURCES.c("// hold: term"));
        assert.ok(reply.ok);
        await h.waitFor(user, reply.id, (r) => r.status === "running");
        // It is this replica's job (a peer left running by the previous test used to take it, and
        // leftRunning was 0). The log line follows the record's update, so wait for it.
        const own = (msg: string) =>
          c
            .output()
            .split("\n")
            .some((l) => l.includes(`"msg":"${msg}"`) && l.includes(reply.id));
        await until("middleware-c to log the job as started (another replica started it?)", () => own("job started") || undefined);
        assert.ok(own("job accepted"), c.output());
        const exited = new Promise<number | null>((r) => c.child.once("exit", (code) => r(code)));
        c.child.kill("SIGTERM");
        assert.equal(await exited, 0, c.output());
        const lines = c
          .output()
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { msg: string; leftRunning?: number });
        assert.ok(lines.some((l) => l.msg === "stopping"));
        assert.equal(lines.find((l) => l.msg === "middleware stopped")?.leftRunning, 1);
        // The job is left as it was: still running, its Pod still there, for the next replica.
        assert.equal((await h.record(user, reply.id))?.status, "running");
        assert.ok(h.api.pods.has(`${h.executorNamespace}/job-${reply.id}`));
        release("term");
        await h.replica("middleware-d");
        assert.equal((await h.waitFor(user, reply.id, finalOf)).status, "finished");
      } finally {
        release("term");
        c.child.kill("SIGKILL");
      }
    },
    30_000,
  );

  itIf(skip, "refuses to start on bad configuration, naming each variable, echoing no value", () => {
    const env = h.processEnv("middleware-x", { MAX_CONCURRENT_JOBS: "lots", NATS_INBOX_PREFIX: "bad.prefix", NATS_PASSWORD: "" });
    const r = spawnSync(process.execPath, [MIDDLEWARE_MAIN], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 10_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /NATS_PASSWORD: required/);
    assert.match(r.stderr, /MAX_CONCURRENT_JOBS: must be an integer/);
    assert.match(r.stderr, /NATS_INBOX_PREFIX: must be one NATS subject token/);
    assert.doesNotMatch(r.stderr, /lots|bad\.prefix|at .*\.js/);
  });
});
