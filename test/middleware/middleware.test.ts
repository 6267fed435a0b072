/**
 * The middleware against the real nats-server (synthesized nats.conf) and the fake Kubernetes API
 * (synthesized Role, PodTemplates, quota), executor Pods scripted: jobs of every language end in
 * the right state with the right zip, each job's Pod is created exactly once whatever replicas do,
 * invalid submissions are rejected, a full quota makes jobs wait, a stopping replica leaves its
 * running jobs to a successor, the health endpoint and the configuration say what is wrong, and
 * only the Role's calls are made. (The bundled process itself: test/e2e/middleware-process.e2e.test.ts.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import { EXECUTOR_LABELS, SOURCE_ANNOTATION } from "../../service/contract/executor";
import type { JobRecord } from "../../service/contract/job";
import { LANGUAGES, type Language } from "../../service/contract/languages";
import { encodeSource, SOURCE_LIMITS } from "../../service/contract/source";
import { userIdFromEmail } from "../../service/contract/user";
import { JS_OPTIONS as FRONTEND_JS } from "../../service/frontend/lib/jobs";
import { ConfigError, loadConfig } from "../../service/middleware/config";
import { healthServer } from "../../service/middleware/health";
import { kubeApi } from "../../service/middleware/kube";
import type { Middleware } from "../../service/middleware/service";
import { itIf, missingTools } from "../support/requires";
import { unzip } from "../support/unzip";
import { finalOf, type Harness, hold, release, SOURCES, startHarness, until } from "./harness";

const skip = missingTools(["nats-server", "openssl"], "apt-get install nats-server openssl");
const QUOTA = 3;
let h: Harness;
/** The replica that runs from the start (the drain test stops it). */
let first: Middleware;
const user = userIdFromEmail("alice@example.org");
const other = userIdFromEmail("bob@example.org");

const submitOk = async (userId: string, language: Language, files = SOURCES[language]()) => {
  const reply = await h.submit(userId, language, files);
  assert.ok(reply.ok, JSON.stringify(reply));
  return reply.id;
};
const scenario = (name: string, extra = "") => `// scenario: ${name}\n${extra}`;

describe("middleware (real NATS, fake Kubernetes API, scripted executors)", () => {
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness({ faas: { executors: { maxPods: QUOTA } } });
    // More slots than the quota (as with several replicas): the quota, not the replica, is the bound.
    first = await h.replica("middleware-a", { MAX_CONCURRENT_JOBS: "10" });
  });
  afterAll(async () => {
    await h?.stop();
  });

  itIf(
    skip,
    "runs a job of each language: Pendiente, then running, then finished with previews and a zip; the Pod is created from the template and deleted",
    async () => {
      for (const language of LANGUAGES) {
        const files = SOURCES[language]();
        const id = await submitOk(user, language, files);
        const pending = await h.record(user, id);
        assert.ok(pending && ["Pendiente", "running", "finished"].includes(pending.status), "the record exists when the reply arrives");
        const seen = new Set<string>();
        const r = await h.waitFor(user, id, (x) => (seen.add(x.status), finalOf(x)));
        assert.equal(r.status, "finished", JSON.stringify(r));
        assert.equal(r.language, language);
        assert.deepEqual(
          r.files,
          files.map((f) => ({ name: f.name, size: Buffer.byteLength(f.content) })),
        );
        assert.equal(r.result?.stdout, `hello from ${language}\n`);
        assert.equal(r.result?.run?.exitCode, 0);
        assert.equal(r.result?.truncated, false);
        assert.equal(r.lease, undefined);
        assert.equal(r.attempts, 1);
        assert.ok(r.startedAt && r.finishedAt && r.submittedAt <= r.startedAt);
        assert.deepEqual(r.result?.zip?.name, `${id}-output.zip`);
        // The Pod: created once, from the chart's template, with the job's labels and source; then deleted.
        const name = `${h.executorNamespace}/job-${id}`;
        assert.deepEqual(
          h.api.created.filter((c) => c === name),
          [name],
        );
        const added = h.api.requests.filter((q) => q.verb === "create" && q.code === 201).length;
        assert.ok(added >= 1);
        await until("pod deletion", () => !h.api.pods.has(name));
      }
    },
  );

  itIf(skip, "instantiates the language's PodTemplate unchanged, adding only the name, labels and source annotation", async () => {
    hold("inspect");
    const files = SOURCES.c(scenario("ok", "// hold: inspect"));
    const id = await submitOk(user, "c", files);
    const pod = await until("pod", () => h.api.pods.get(`${h.executorNamespace}/job-${id}`));
    const template = h.objects.find((o) => o.kind === "PodTemplate" && o.metadata.name === "executor-c")!;
    const { creationTimestamp: _c, ...templateSpec } = template.template.spec;
    assert.deepEqual(JSON.parse(JSON.stringify(pod.spec)), JSON.parse(JSON.stringify(templateSpec)));
    assert.equal(pod.metadata?.annotations?.[SOURCE_ANNOTATION], encodeSource(files));
    assert.equal(pod.metadata?.labels?.[EXECUTOR_LABELS.job], id);
    assert.equal(pod.metadata?.labels?.[EXECUTOR_LABELS.user], user);
    assert.equal(pod.metadata?.labels?.[EXECUTOR_LABELS.language], "c");
    // The Pod is created before the record says so: wait for the record rather than race it.
    assert.equal((await h.waitFor(user, id, (r) => r.status !== "Pendiente")).status, "running");
    release("inspect");
    assert.equal((await h.waitFor(user, id, finalOf)).status, "finished");
  });

  const mapping: [string, Partial<JobRecord["result"]> & { status: JobRecord["status"]; error?: RegExp }][] = [
    ["compile-error", { status: "compile-error" }],
    ["segfault", { status: "runtime-error" }],
    ["run-timeout", { status: "time-limit", limit: "run-time" }],
    ["compile-timeout", { status: "time-limit", limit: "compile-time" }],
    ["memory-hog", { status: "memory-limit", limit: "memory" }],
    ["fork-bomb", { status: "process-limit", limit: "processes" }],
    ["output-flood", { status: "output-limit", limit: "output", truncated: true }],
    ["runner-internal", { status: "failed", error: /could not create/ }],
    ["kernel-oom", { status: "memory-limit", limit: "memory", error: /killed for exceeding its memory limit/ }],
    ["deadline", { status: "time-limit", limit: "run-time", error: /deadline/ }],
    ["image-pull", { status: "failed", error: /image could not be pulled \(ImagePullBackOff\)/ }],
    ["bad-image", { status: "failed", error: /InvalidImageName/ }],
    ["evicted-disk", { status: "output-limit", limit: "output", error: /EmptyDir/ }],
    ["evicted-node", { status: "failed", error: /evicted: The node was low/ }],
    ["garbage-frame", { status: "failed", error: /no valid result from the executor: .*base64/ }],
    ["no-frame", { status: "failed", error: /no result frame/ }],
    ["forged-twice", { status: "failed", error: /more than one result frame/ }],
  ];

  itIf(skip, "maps every runner outcome and Pod failure to its final state (and says why)", async () => {
    const ids = new Map<string, string>();
    for (const [name] of mapping) ids.set(name, await submitOk(other, "go", SOURCES.go(scenario(name))));
    for (const [name, want] of mapping) {
      const r = await h.waitFor(other, ids.get(name)!, finalOf);
      assert.equal(r.status, want.status, `${name}: ${JSON.stringify(r)}`);
      if (want.limit) assert.equal(r.result?.limit, want.limit, name);
      else assert.equal(r.result?.limit, undefined, name);
      if (want.truncated !== undefined) assert.equal(r.result?.truncated, want.truncated, name);
      if (want.error) assert.match(r.error ?? "", want.error, name);
      assert.ok(r.result?.zip?.name, `${name}: a zip (summary at least) is stored`);
      await until(`${name} pod deleted`, () => !h.api.pods.has(`${h.executorNamespace}/job-${ids.get(name)}`));
    }
    const compile = await h.record(other, ids.get("compile-error")!);
    assert.match(compile!.result!.compileOutput, /expected ';'/);
    const seg = await h.record(other, ids.get("segfault")!);
    assert.deepEqual(seg!.result!.run, { exitCode: null, signal: "SIGSEGV", durationMs: 5 });
  });

  itIf(skip, "stores a zip with stdout, stderr, the build log, a JSON summary and the program's output files", async () => {
    const id = await submitOk(user, "javascript");
    const r = await h.waitFor(user, id, finalOf);
    const zip = await h.zip(user, `${id}-output.zip`);
    assert.equal(zip.length, r.result!.zip!.size);
    assert.equal(require("node:crypto").createHash("sha256").update(zip).digest("hex"), r.result!.zip!.sha256);
    const files = unzip(zip);
    assert.deepEqual([...files.keys()], ["stdout.txt", "stderr.txt", "build.log", "summary.json", "output/result.txt"]);
    assert.equal(files.get("stdout.txt")!.toString(), "hello from javascript\n");
    assert.equal(files.get("output/result.txt")!.toString(), "42\n");
    const s = JSON.parse(files.get("summary.json")!.toString());
    assert.equal(s.id, id);
    assert.equal(s.status, "finished");
    assert.equal(s.language, "javascript");
    assert.equal(s.limits.runTimeoutMs, 10000);
    if (!missingTools(["python3"])) {
      // An independent reader: Python's zipfile checks the CRCs and the directory.
      const py = spawnSync(
        "python3",
        ["-c", "import sys,zipfile,io; z=zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())); assert z.testzip() is None; print(','.join(z.namelist()))"],
        { input: zip, encoding: "utf8" },
      );
      assert.equal(py.status, 0, py.stderr);
      assert.equal(py.stdout.trim(), "stdout.txt,stderr.txt,build.log,summary.json,output/result.txt");
    }
  });

  itIf(skip, "rejects invalid and oversized submissions with a reason, records them as rejected when the user is known, and starts no Pod", async () => {
    const before = h.api.created.length;
    const cases: [string, Promise<{ ok: boolean; error?: string; problems?: readonly string[] }>, RegExp][] = [
      ["not JSON", h.raw("go", Buffer.from("{nope")), /request: must be a JSON/],
      ["no user", h.raw("go", Buffer.from(JSON.stringify({ email: "x@y.z", language: "go", files: SOURCES.go() }))), /userId: must be/],
      ["wrong language", h.submit(user, "go", SOURCES.c()) as never, /files\[0\]\.name: go files must end in \.go/],
      [
        "language field",
        h.raw("c", Buffer.from(JSON.stringify({ userId: user, email: "a@b.c", language: "go", files: SOURCES.c() }))),
        /language: must be "c"/,
      ],
      ["path in name", h.submit(user, "c", [{ name: "../etc/passwd.c", content: "int main(){}" }]) as never, /plain file name/],
      [
        "too many files",
        h.submit(
          user,
          "c",
          Array.from({ length: SOURCE_LIMITS.maxFiles + 1 }, (_, i) => ({ name: `f${i}.c`, content: "" })),
        ) as never,
        /at most 20 files/,
      ],
      ["oversized", h.submit(user, "c", [{ name: "main.c", content: "x".repeat(SOURCE_LIMITS.maxTotalBytes + 1) }]) as never, /at most 131072 bytes/],
    ];
    for (const [what, p, why] of cases) {
      const reply = await p;
      assert.equal(reply.ok, false, what);
      assert.match(reply.error ?? "", why, what);
      // The rules broken, one per entry, so the frontend can answer 400 with them.
      assert.ok(reply.problems?.some((p) => why.test(p)) && reply.problems.join("; ") === reply.error, `${what}: ${JSON.stringify(reply.problems)}`);
    }
    // Rejected records for the identifiable user (all but "not JSON" and "no user").
    const kv = await h.fe.jetstream(FRONTEND_JS).views.kv(`jobs-${user}`, { bindOnly: true });
    const keys: string[] = [];
    for await (const k of await kv.keys("*")) keys.push(k);
    const mine = (await Promise.all(keys.map((k) => h.record(user, k)))).filter((r): r is JobRecord => r?.status === "rejected");
    assert.equal(mine.length, 5);
    assert.ok(mine.every((r) => r.status === "rejected" && r.error && r.finishedAt));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.api.created.length, before, "no Pod for a rejected job");
  });

  itIf(skip, "lets a job wait while the executor quota is full (no failure), and run when a slot frees", async () => {
    for (let i = 0; i < QUOTA; i++) hold(`q${i}`);
    try {
      const held = [];
      for (let i = 0; i < QUOTA; i++) held.push(await submitOk(user, "go", SOURCES.go(scenario("ok", `// hold: q${i}`))));
      await until("quota filled", () => h.api.podsIn(h.executorNamespace).length === QUOTA || undefined);
      const refusals = () => h.api.requests.filter((q) => q.verb === "create" && q.code === 403).length;
      const before = refusals();
      const waiting = await submitOk(user, "go");
      await until("quota refusals", () => refusals() >= before + 2 || undefined);
      const w = await h.record(user, waiting);
      assert.equal(w?.status, "Pendiente", "waiting, not failed");
      assert.ok(!w?.lease || w.lease.phase === "launch", "at most a launch being retried");
      assert.equal(h.api.podsIn(h.executorNamespace).length, QUOTA);
      for (let i = 0; i < QUOTA; i++) release(`q${i}`);
      assert.equal((await h.waitFor(user, waiting, finalOf)).status, "finished");
      for (const id of held) assert.equal((await h.waitFor(user, id, finalOf)).status, "finished");
    } finally {
      for (let i = 0; i < QUOTA; i++) release(`q${i}`);
    }
  });

  itIf(skip, "with two replicas, handles each job once: one Pod per job, one launch each", async () => {
    const b = await h.replica("middleware-b");
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await submitOk(other, LANGUAGES[i % 3]!));
    for (const id of ids) {
      const r = await h.waitFor(other, id, finalOf);
      assert.equal(r.status, "finished");
      assert.equal(r.attempts, 1, `${id} launched once`);
      assert.equal(h.api.created.filter((c) => c.endsWith(`/job-${id}`)).length, 1, `${id}: one Pod`);
    }
    const accepted = h.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "job accepted" && ids.includes(l.job));
    assert.equal(accepted.length, ids.length, "each request reached one replica");
    await b.stop(2000);
  });

  itIf(skip, "takes over a launch whose replica died holding the lease, once the lease expires", async () => {
    // A job left as a dead replica leaves it: Pendiente, with a launch lease, and no Pod yet.
    const id = await (async () => {
      const { JobStore } = await import("../../service/middleware/store");
      const { connect } = await import("nats");
      const cfg = h.config("dead");
      const nc = await connect({ servers: h.nats.url, user: cfg.nats.user, pass: cfg.nats.password, inboxPrefix: cfg.nats.inboxPrefix });
      const store = new JobStore(nc.jetstream(), await nc.jetstreamManager(), 1);
      const { newJobId } = await import("../../service/contract/job");
      const rec: JobRecord = {
        id: newJobId(),
        userId: user,
        email: "a@b.c",
        language: "c",
        status: "Pendiente",
        files: [{ name: "main.c", size: 1 }],
        submittedAt: new Date().toISOString(),
        lease: { replica: "dead", phase: "launch", at: new Date().toISOString() },
        attempts: 1,
      };
      await store.create(rec, encodeSource(SOURCES.c()));
      await nc.close();
      return rec.id;
    })();
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await h.record(user, id))?.status, "Pendiente", "a live lease is respected");
    const r = await h.waitFor(user, id, finalOf, 10_000);
    assert.equal(r.status, "finished");
    assert.equal(r.attempts, 2, "the second launch");
    assert.equal(h.api.created.filter((c) => c.endsWith(`/job-${id}`)).length, 1);
  });

  itIf(skip, "fails (never reruns) a running job whose Pod disappeared", async () => {
    hold("vanish");
    const id = await submitOk(user, "go", SOURCES.go(scenario("ok", "// hold: vanish")));
    await h.waitFor(user, id, (r) => r.status === "running");
    h.api.pods.delete(`${h.executorNamespace}/job-${id}`);
    const r = await h.waitFor(user, id, finalOf);
    assert.equal(r.status, "failed");
    assert.match(r.error ?? "", /disappeared/);
    assert.equal(h.api.created.filter((c) => c.endsWith(`/job-${id}`)).length, 1);
    release("vanish");
  });

  itIf(
    skip,
    "stops gracefully: no new requests, its running job (record and Pod) left as it was for a successor, which finishes it once; health says draining",
    async () => {
      // One replica only, so the job is certainly this one's: the queue group and reconciliation would otherwise share it out.
      const c = await h.replica("middleware-c");
      await first.stop(2000);
      const cfg = h.config("middleware-c");
      const kube = kubeApi(h.api.kubeConfig(), cfg.executorNamespace);
      // main.ts's readiness wiring, with this replica.
      const health = healthServer({
        nats: () => !h.fe.isClosed(),
        api: async () => void (await kube.readTemplate(cfg.podTemplates.go)),
        draining: () => c.draining,
      });
      await new Promise<void>((r) => health.listen(0, "127.0.0.1", r));
      const probe = async (path: string) => {
        const r = await fetch(`http://127.0.0.1:${(health.address() as AddressInfo).port}${path}`);
        return { code: r.status, body: JSON.parse(await r.text()) as unknown };
      };
      hold("drain");
      try {
        h.api.unavailable = true;
        assert.deepEqual(await probe("/healthz"), { code: 200, body: { ok: true } });
        assert.deepEqual(await probe("/readyz"), { code: 503, body: { ok: false, nats: true, api: false, draining: false } });
        h.api.unavailable = false;
        assert.deepEqual(await probe("/readyz"), { code: 200, body: { ok: true, nats: true, api: true, draining: false } });

        const id = await submitOk(user, "c", SOURCES.c(scenario("ok", "// hold: drain")));
        await h.waitFor(user, id, (r) => r.status === "running");
        assert.equal(c.activeJobs, 1);
        await c.stop(2000);
        assert.deepEqual(await probe("/readyz"), { code: 503, body: { ok: false, nats: true, api: false, draining: true } });
        const stopped = h.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "middleware stopped" && l.replica === "middleware-c");
        assert.deepEqual(
          stopped.map((l) => l.leftRunning),
          [1],
          "it reports the job it left running",
        );
        await expect(h.submit(user, "go", SOURCES.go())).rejects.toThrow(/503|no responders/i);
        assert.equal((await h.record(user, id))?.status, "running", "the job is left as it was");
        assert.ok(h.api.pods.has(`${h.executorNamespace}/job-${id}`), "its Pod too");

        release("drain");
        await h.replica("middleware-d");
        assert.equal((await h.waitFor(user, id, finalOf)).status, "finished");
        assert.equal(h.api.created.filter((n) => n.endsWith(`/job-${id}`)).length, 1, "one Pod for the job");
        // The successor's first reconciliation found the job; its Pod watch opens just after.
        await until("the successor's Pod watch", () => h.api.openWatches >= 1 || undefined);
      } finally {
        release("drain");
        h.api.unavailable = false;
        await new Promise((r) => health.close(r));
      }
    },
  );

  itIf(skip, "refuses bad configuration naming each variable and rule, echoing no value", () => {
    const env = h.processEnv("middleware-x", { MAX_CONCURRENT_JOBS: "lots", NATS_INBOX_PREFIX: "bad.prefix", NATS_PASSWORD: "" });
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /NATS_PASSWORD: required/);
    assert.match(err.message, /MAX_CONCURRENT_JOBS: must be an integer/);
    assert.match(err.message, /NATS_INBOX_PREFIX: must be one NATS subject token/);
    assert.doesNotMatch(err.message, /lots|bad\.prefix/);
    assert.equal(err.problems.length, 3);
  });

  itIf(skip, "makes only the calls its Role allows, and every one of them", () => {
    const made = new Set(
      h.api.requests.map((q) => `${q.verb} ${/\/log$/.test(q.path.split("?")[0]!) ? "pods/log" : q.path.includes("/podtemplates/") ? "podtemplates" : "pods"}`),
    );
    const role = ["create pods", "delete pods", "get podtemplates", "get pods", "get pods/log", "list pods", "watch pods"];
    assert.deepEqual(
      [...made].filter((m) => !role.includes(m)),
      [],
      "nothing outside the Role",
    );
    for (const needed of role.filter((r) => r !== "get pods")) assert.ok(made.has(needed), `${needed} is used`);
    // `get pods` is used when a running job is missing from a listing (the vanished-Pod test).
    assert.ok(made.has("get pods"));
    assert.ok(h.api.openWatches >= 1, "a replica follows its Pods through a watch");
    const forbidden = h.api.requests.filter((q) => q.code === 403 || q.code === 401);
    assert.ok(
      forbidden.every((q) => q.verb === "create"),
      `only quota refusals: ${JSON.stringify(forbidden.slice(0, 3))}`,
    );
  });

  itIf(skip, "never logs a password or source code", () => {
    const all = h.logs.join("\n");
    assert.ok(h.logs.length > 20);
    assert.ok(!all.includes(h.passwords.middleware) && !all.includes(h.passwords.frontend));
    assert.ok(!all.includes("fmt.Println") && !all.includes("console.log") && !all.includes("#include"));
    for (const l of h.logs) expect(Object.keys(JSON.parse(l))).toEqual(expect.arrayContaining(["time", "level", "msg"]));
  });
});
