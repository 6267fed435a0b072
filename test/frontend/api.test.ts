/**
 * The frontend's JSON API (service/contract/http.ts) in-process, the route modules themselves
 * against a real nats-server, connected as a `frontend` user with only the rights in
 * frontend-permissions.ts; an admin connection plays the middleware. The form's server action
 * (lib/submit.ts submitForm, which app/actions.ts wraps in Next's request APIs) is run too: both
 * take the same path to the middleware and get the same answers.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { connect, type Msg, type NatsConnection, type Subscription } from "nats";
import { inboxPrefix, NATS_ENV } from "../../service/contract/env";
import { API_PATHS, MAX_SUBMISSION_BODY_BYTES } from "../../service/contract/http";
import { newJobId, type JobRecord, type JobReply, type JobRequest } from "../../service/contract/job";
import { MIDDLEWARE_QUEUE_GROUP } from "../../service/contract/languages";
import { sourceProblems, type SourceFile } from "../../service/contract/source";
import { jobsBucket, userIdFromEmail } from "../../service/contract/user";
import { GET } from "../../service/frontend/app/api/jobs/[id]/route";
import { POST } from "../../service/frontend/app/api/jobs/route";
import { FORM_FIELDS } from "../../service/frontend/lib/submission";
import { closeNats, natsConnection, natsStatus } from "../../service/frontend/lib/nats";
import { submitForm } from "../../service/frontend/lib/submit";
import { adminUser, FRONTEND_NATS_USER, frontendUser } from "../e2e/support/frontend-permissions";
import { usersConf } from "../e2e/support/nats-users";
import { startNatsServer, type RunningNats } from "../support/nats-server";
import { itIf, missingTools } from "../support/requires";

const skip = missingTools(["nats-server"], "apt-get install nats-server");

const ALICE = "alice@example.com";
const alice = userIdFromEmail(ALICE);
const bob = userIdFromEmail("bob@example.com");
const BASE = "http://frontend.test";
const who = (email: string) => ({ "x-forwarded-email": email });
const GO: SourceFile[] = [{ name: "main.go", content: 'package main\r\n\r\nfunc main() { println("hi") }\r\n' }];

function post(body: unknown, headers: Record<string, string> = { ...who(ALICE), "content-type": "application/json" }): Promise<Response> {
  return POST(new Request(`${BASE}${API_PATHS.jobs}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
}

function get(id: string, headers: Record<string, string> = who(ALICE)): Promise<Response> {
  return GET(new Request(`${BASE}${API_PATHS.job(id)}`, { headers }), { params: Promise.resolve({ id }) });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.match(res.headers.get("cache-control") ?? "", /no-store/);
  // Parsed here (not res.json()): objects from Node's fetch realm are not deepStrictEqual to this one's.
  return JSON.parse(await res.text()) as Record<string, unknown>;
}

function record(userId: string, id: string): JobRecord {
  return {
    id,
    userId,
    email: "x@example.com",
    language: "go",
    status: "running",
    files: [{ name: "main.go", size: 10 }],
    submittedAt: "2025-01-01T00:00:00.000Z",
    startedAt: "2025-01-01T00:00:01.000Z",
  };
}

describe("frontend JSON API (route modules, real NATS as the least-privileged frontend user)", () => {
  let server: RunningNats;
  let admin: NatsConnection;
  let middleware: Subscription | undefined;
  /** What the stand-in middleware received, and how it answers. */
  const seen: JobRequest[] = [];
  let answer: (req: JobRequest) => JobReply = () => ({ ok: true, id: newJobId() });
  const ids = { alice: "", bob: "" };

  const startMiddleware = async () => {
    middleware = admin.subscribe("cola.*", {
      queue: MIDDLEWARE_QUEUE_GROUP,
      callback: (_e, m: Msg) => {
        const req = JSON.parse(new TextDecoder().decode(m.data)) as JobRequest;
        seen.push(req);
        m.respond(JSON.stringify(answer(req)));
      },
    });
    await admin.flush();
  };

  beforeAll(async () => {
    if (skip) return;
    const conf = usersConf([frontendUser(), adminUser()]);
    server = await startNatsServer(conf.text, conf.env);
    admin = await connect({ servers: server.url, user: "admin", pass: conf.passwords.admin });
    const js = admin.jetstream();
    ids.alice = newJobId();
    ids.bob = newJobId();
    await (await js.views.kv(jobsBucket(alice))).put(ids.alice, JSON.stringify(record(alice, ids.alice)));
    await (await js.views.kv(jobsBucket(bob))).put(ids.bob, JSON.stringify(record(bob, ids.bob)));
    await natsConnection({
      [NATS_ENV.url]: server.url,
      [NATS_ENV.user]: FRONTEND_NATS_USER,
      [NATS_ENV.password]: conf.passwords[FRONTEND_NATS_USER],
      [NATS_ENV.inboxPrefix]: inboxPrefix(FRONTEND_NATS_USER),
    });
    await startMiddleware();
  });

  afterAll(async () => {
    await closeNats();
    await admin?.close();
    await server?.stop();
  });

  itIf(skip, "POST /api/jobs: 201 with the id, the JobRequest built from the identity header (never the body) and the files exactly as sent", async () => {
    seen.length = 0;
    const id = newJobId();
    answer = () => ({ ok: true, id });
    const res = await post(
      { language: "go", files: GO, userId: bob, email: "bob@example.com", extra: 1 },
      { ...who(" Alice@Example.com "), "content-type": "application/json; charset=utf-8" },
    );
    assert.equal(res.status, 201);
    assert.deepEqual(await json(res), { id });
    assert.equal(res.headers.get("location"), API_PATHS.job(id));
    assert.deepEqual(seen, [{ userId: alice, email: ALICE, language: "go", files: GO }]);
  });

  itIf(
    skip,
    "POST /api/jobs: 400 with the contract's problems (sourceProblems, or a body that is not a submission); nothing reaches the middleware",
    async () => {
      seen.length = 0;
      const bad: SourceFile[] = [
        { name: "../main.go", content: "x" },
        { name: "main.c", content: "int main(){}" },
      ];
      const res = await post({ language: "go", files: bad });
      assert.equal(res.status, 400);
      assert.deepEqual(await json(res), { problems: sourceProblems("go", bad) });
      const cases: [unknown, RegExp][] = [
        [{ language: "python", files: GO }, /^language: must be one of go, javascript, c$/],
        [{ language: "go" }, /^files: must be a list/],
        [{ language: "go", files: [] }, /^files: at least one source file/],
        [{ language: "go", files: [{ name: "main.go", content: 42 }] }, /^files\[0\]\.content: must be text$/],
        [{ language: "go", files: ["main.go"] }, /^files\[0\]\.name: must be a plain file name/],
        [[GO], /^body: must be a JSON object/],
        ["{not json", /^body: must be a JSON JobSubmission/],
        ["", /^body: must be a JSON JobSubmission/],
      ];
      for (const [body, want] of cases) {
        const r = await post(body);
        assert.equal(r.status, 400, JSON.stringify(body));
        const { problems } = (await json(r)) as { problems: string[] };
        assert.ok(problems.length >= 1 && want.test(problems[0]!), `${JSON.stringify(body)}: ${JSON.stringify(problems)}`);
      }
      const notUtf8 = await POST(
        new Request(`${BASE}${API_PATHS.jobs}`, {
          method: "POST",
          headers: { ...who(ALICE), "content-type": "application/json" },
          body: new Uint8Array([0x7b, 0xff, 0x7d]),
        }),
      );
      assert.equal(notUtf8.status, 400);
      assert.deepEqual(seen, [], "nothing was sent on NATS");
    },
  );

  itIf(skip, "POST /api/jobs: 400 with the middleware's own problems when it refuses the submission, 503 when it fails", async () => {
    answer = () => ({ ok: false, error: "files[0].name: refused; files: also refused", problems: ["files[0].name: refused", "files: also refused"] });
    const refused = await post({ language: "go", files: GO });
    assert.equal(refused.status, 400);
    assert.deepEqual(await json(refused), { problems: ["files[0].name: refused", "files: also refused"] });
    answer = () => ({ ok: false, error: "the job could not be stored; try again" });
    const failed = await post({ language: "go", files: GO });
    assert.equal(failed.status, 503);
    assert.deepEqual(await json(failed), { error: "the job could not be stored; try again" });
    answer = () => ({ ok: true, id: newJobId() });
  });

  itIf(skip, "POST /api/jobs: 401 without oauth2-proxy's identity, 415 for any other content type, 413 over the body limit", async () => {
    seen.length = 0;
    const anonymous: Record<string, string>[] = [
      { "content-type": "application/json" },
      { "content-type": "application/json", "x-forwarded-email": "a@x.com, b@x.com" },
      { "content-type": "application/json", cookie: "_oauth2_proxy=anything" },
    ];
    for (const headers of anonymous) {
      const r = await post({ language: "go", files: GO }, headers);
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.match(String((await json(r)).error), /Not signed in/);
    }
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""]) {
      const headers: Record<string, string> = { ...who(ALICE) };
      if (type) headers["content-type"] = type;
      const r = await POST(new Request(`${BASE}${API_PATHS.jobs}`, { method: "POST", headers, body: JSON.stringify({ language: "go", files: GO }) }));
      assert.equal(r.status, 415, `content-type ${JSON.stringify(type)}`);
      assert.match(String((await json(r)).error), /application\/json/);
    }
    const big = JSON.stringify({ language: "go", files: [{ name: "main.go", content: "x".repeat(MAX_SUBMISSION_BODY_BYTES) }] });
    const declared = await post(big, { ...who(ALICE), "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) });
    assert.equal(declared.status, 413);
    assert.match(String((await json(declared)).error), new RegExp(`over ${MAX_SUBMISSION_BODY_BYTES} bytes`));
    // The same body streamed, without a length: counted while it is read.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < big.length; i += 65536) c.enqueue(new TextEncoder().encode(big.slice(i, i + 65536)));
        c.close();
      },
    });
    const streamed = await POST(
      new Request(`${BASE}${API_PATHS.jobs}`, {
        method: "POST",
        headers: { ...who(ALICE), "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(streamed.status, 413);
    assert.deepEqual(seen, [], "nothing was sent on NATS");
  });

  itIf(skip, "GET /api/jobs/<id>: the user's own JobRecord; the same 404 for another user's, an absent and a malformed id; 401 without identity", async () => {
    const own = await get(ids.alice);
    assert.equal(own.status, 200);
    assert.deepEqual(await json(own), { ...record(alice, ids.alice) });
    assert.equal((await get(ids.bob, who("bob@example.com"))).status, 200);
    const notFound: Record<string, unknown>[] = [];
    for (const id of [ids.bob, newJobId(), "not-a-job", ids.alice.toUpperCase(), "..", `source.${ids.alice}`, ">", "*"]) {
      const r = await get(id);
      assert.equal(r.status, 404, id);
      notFound.push(await json(r));
    }
    assert.ok(
      notFound.every((b) => JSON.stringify(b) === JSON.stringify(notFound[0])),
      "one answer for every kind of not found",
    );
    const carol = await get(ids.alice, who("carol@example.com"));
    assert.equal(carol.status, 404, "a user without a bucket");
    assert.deepEqual(await json(carol), notFound[0]);
    assert.equal((await get(ids.alice, {})).status, 401);
  });

  itIf(skip, "the form's server action takes the same path: same JobRequest, same problems, same refusal", async () => {
    seen.length = 0;
    const id = newJobId();
    answer = () => ({ ok: true, id });
    const form = (fields: Record<string, string>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) f.set(k, v);
      return f;
    };
    const signedIn = new Headers(who(ALICE));
    assert.deepEqual(
      await submitForm(signedIn, form({ [FORM_FIELDS.language]: "go", [FORM_FIELDS.filename]: "main.go", [FORM_FIELDS.source]: "package main\n" })),
      { jobPath: `/job/${id}` },
    );
    assert.deepEqual(seen, [{ userId: alice, email: ALICE, language: "go", files: [{ name: "main.go", content: "package main\n" }] }]);
    const wrong = [{ name: "main.c", content: "int main(){}" }];
    assert.deepEqual(
      await submitForm(signedIn, form({ [FORM_FIELDS.language]: "go", [FORM_FIELDS.filename]: "main.c", [FORM_FIELDS.source]: "int main(){}" })),
      { problems: sourceProblems("go", wrong) },
    );
    const viaApi = await post({ language: "go", files: wrong });
    assert.deepEqual(await json(viaApi), { problems: sourceProblems("go", wrong) }, "the API gives the same problems");
    answer = () => ({ ok: false, error: "files[0].name: refused", problems: ["files[0].name: refused"] });
    assert.deepEqual(await submitForm(signedIn, form({ [FORM_FIELDS.language]: "go", [FORM_FIELDS.source]: "package main\n" })), {
      problems: ["files[0].name: refused"],
    });
    answer = () => ({ ok: false, error: "the job could not be stored; try again" });
    assert.deepEqual(await submitForm(signedIn, form({ [FORM_FIELDS.language]: "go", [FORM_FIELDS.source]: "package main\n" })), {
      error: "the job could not be stored; try again",
    });
    assert.match(
      ((await submitForm(new Headers(), form({ [FORM_FIELDS.language]: "go", [FORM_FIELDS.source]: "package main\n" }))) as { error?: string }).error ?? "",
      /Not signed in/,
    );
    answer = () => ({ ok: true, id: newJobId() });
  });

  itIf(skip, "answers 503 with a reason when no middleware answers, and when NATS is down (POST and GET)", async () => {
    middleware?.unsubscribe();
    await admin.flush();
    const none = await post({ language: "c", files: [{ name: "main.c", content: "int main(){}" }] });
    assert.equal(none.status, 503);
    assert.match(String((await json(none)).error), /No middleware is answering on cola\.c/);
    // Every call so far stayed within the frontend user's rights.
    assert.doesNotMatch(server.log(), /violation/i);

    await server.stop();
    for (const t = Date.now(); natsStatus().state === "connected";) {
      assert.ok(Date.now() - t < 10_000, "the outage is noticed");
      await new Promise((r) => setTimeout(r, 50));
    }
    const p = await post({ language: "go", files: GO });
    assert.equal(p.status, 503);
    assert.match(String((await json(p)).error), /NATS\) is not reachable right now/);
    const g = await get(ids.alice);
    assert.equal(g.status, 503);
    assert.match(String((await json(g)).error), /could not be read right now: .*not reachable/);
  });
});
