/**
 * The frontend's NATS side against a real nats-server, connected as a `frontend` user with only
 * the rights in frontend-permissions.ts: listing and reading jobs only in the signed-in user's
 * bucket (another user's id finds nothing), never creating a bucket, streaming an output zip, and
 * sending a JobRequest on cola.<language> with every failure turned into a message.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { connect, type NatsConnection } from "nats";
import { inboxPrefix, NATS_ENV } from "../../service/contract/env";
import { newJobId, outputZipName, sourceKey, type JobRecord, type JobRequest } from "../../service/contract/job";
import { MIDDLEWARE_QUEUE_GROUP } from "../../service/contract/languages";
import { jobsBucket, outputsBucket, userIdFromEmail } from "../../service/contract/user";
import { getJob, listJobs, openOutputZip, streamOutcome } from "../../service/frontend/lib/jobs";
import { closeNats, natsConnection } from "../../service/frontend/lib/nats";
import { buildJobRequest, sendJobRequest } from "../../service/frontend/lib/submit";
import { identityFromHeaders } from "../../service/frontend/lib/identity";
import { adminUser, FRONTEND_NATS_USER, frontendUser } from "../e2e/support/frontend-permissions";
import { usersConf } from "../e2e/support/nats-users";
import { startNatsServer, type RunningNats } from "../support/nats-server";
import { itIf, missingTools } from "../support/requires";

const skip = missingTools(["nats-server"], "apt-get install nats-server");

const alice = userIdFromEmail("alice@example.com");
const bob = userIdFromEmail("bob@example.com");
const carol = userIdFromEmail("carol@example.com");

function record(userId: string, id: string, submittedAt: string, extra: Partial<JobRecord> = {}): JobRecord {
  return { id, userId, email: "x@example.com", language: "go", status: "finished", files: [{ name: "main.go", size: 10 }], submittedAt, ...extra };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

describe("frontend on NATS (as the least-privileged frontend user)", () => {
  let server: RunningNats;
  let passwords: Readonly<Record<string, string>>;
  let admin: NatsConnection;
  let nc: NatsConnection;
  const ids = { a1: "", a2: "", a3: "", b1: "", misfiled: "", deleted: "" };
  const zip = Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(300_000, 7)]);

  beforeAll(async () => {
    if (skip) return;
    const conf = usersConf([frontendUser(), adminUser()]);
    passwords = conf.passwords;
    server = await startNatsServer(conf.text, conf.env);
    admin = await connect({ servers: server.url, user: "admin", pass: passwords.admin });
    const js = admin.jetstream();
    const t = Date.parse("2025-01-01T00:00:00Z");
    ids.a1 = newJobId(t);
    ids.a2 = newJobId(t + 1000);
    ids.a3 = newJobId(t + 2000);
    ids.b1 = newJobId(t + 3000);
    ids.misfiled = newJobId(t + 4000);
    ids.deleted = newJobId(t + 5000);
    const akv = await js.views.kv(jobsBucket(alice));
    await akv.put(ids.a1, JSON.stringify(record(alice, ids.a1, "2025-01-01T00:00:00.000Z")));
    await akv.put(ids.a2, JSON.stringify(record(alice, ids.a2, "2025-01-01T00:00:01.000Z", { status: "running" })));
    await akv.put(ids.a3, JSON.stringify(record(alice, ids.a3, "2025-01-01T00:00:02.000Z", { status: "Pendiente" })));
    await akv.put(sourceKey(ids.a1), JSON.stringify({ files: [{ name: "main.go", content: "package main" }] }));
    // A record that claims to be bob's, filed in alice's bucket: shown to nobody through alice.
    await akv.put(ids.misfiled, JSON.stringify(record(bob, ids.misfiled, "2025-01-01T00:00:04.000Z")));
    await akv.put(ids.deleted, JSON.stringify(record(alice, ids.deleted, "2025-01-01T00:00:05.000Z")));
    await akv.delete(ids.deleted);
    await akv.put("not-a-job-id", "{}");
    const bkv = await js.views.kv(jobsBucket(bob));
    await bkv.put(ids.b1, JSON.stringify(record(bob, ids.b1, "2025-01-01T00:00:03.000Z")));
    const aos = await js.views.os(outputsBucket(alice));
    await aos.putBlob({ name: outputZipName(ids.a1) }, zip);
    const bos = await js.views.os(outputsBucket(bob));
    await bos.putBlob({ name: outputZipName(ids.b1) }, Buffer.from("bob's zip"));
    nc = await natsConnection({
      [NATS_ENV.url]: server.url,
      [NATS_ENV.user]: FRONTEND_NATS_USER,
      [NATS_ENV.password]: passwords[FRONTEND_NATS_USER],
      [NATS_ENV.inboxPrefix]: inboxPrefix(FRONTEND_NATS_USER),
    });
  });

  afterAll(async () => {
    await closeNats();
    await admin?.close();
    await server?.stop();
  });

  itIf(skip, "lists only the user's own job records, newest first (no source keys, deleted or misfiled records)", async () => {
    const jobs = await listJobs(nc, alice);
    assert.deepEqual(
      jobs.map((j) => j.id),
      [ids.a3, ids.a2, ids.a1],
    );
    assert.deepEqual(
      jobs.map((j) => j.status),
      ["Pendiente", "running", "finished"],
    );
    assert.deepEqual(
      (await listJobs(nc, bob)).map((j) => j.id),
      [ids.b1],
    );
    assert.deepEqual(
      (await listJobs(nc, alice, 2)).map((j) => j.id),
      [ids.a3, ids.a2],
    );
  });

  itIf(skip, "shows a user without a bucket no jobs, and creates no bucket for them", async () => {
    assert.deepEqual(await listJobs(nc, carol), []);
    assert.equal(await getJob(nc, carol, ids.a1), undefined);
    const names: string[] = [];
    for await (const n of (await admin.jetstreamManager()).streams.names()) names.push(n);
    assert.ok(!names.some((n) => n.includes(carol)), `no stream for carol: ${names.join(", ")}`);
  });

  itIf(skip, "finds a job only in its owner's bucket: another user's id, a malformed id and an absent one are all 'not found'", async () => {
    assert.equal((await getJob(nc, alice, ids.a1))?.id, ids.a1);
    assert.equal((await getJob(nc, bob, ids.b1))?.userId, bob);
    assert.equal(await getJob(nc, alice, ids.b1), undefined, "alice cannot read bob's job by its id");
    assert.equal(await getJob(nc, bob, ids.a1), undefined, "bob cannot read alice's job by its id");
    assert.equal(await getJob(nc, alice, ids.misfiled), undefined, "a record naming another user is not shown");
    assert.equal(await getJob(nc, alice, ids.deleted), undefined);
    assert.equal(await getJob(nc, alice, newJobId()), undefined);
    for (const bad of ["", "../x", "source." + ids.a1, ids.a1.toUpperCase(), ">", "*"]) assert.equal(await getJob(nc, alice, bad), undefined, bad);
  });

  itIf(skip, "streams the owner's output zip byte for byte, and nobody else's", async () => {
    const out = await openOutputZip(nc, alice, ids.a1);
    assert.ok(out);
    assert.equal(out.size, zip.length);
    assert.equal(out.name, outputZipName(ids.a1));
    assert.ok((await text(out.data)).equals(zip));
    assert.equal(await out.error, null);
    assert.equal(await openOutputZip(nc, alice, ids.b1), undefined, "bob's zip through alice");
    assert.equal(await openOutputZip(nc, bob, ids.a1), undefined, "alice's zip through bob");
    assert.equal(await openOutputZip(nc, alice, ids.a2), undefined, "a job without a zip yet");
    assert.equal(await openOutputZip(nc, carol, ids.a1), undefined, "a user without an object store");
  });

  itIf(skip, "sends the JobRequest on cola.<language> with the user id from the identity headers, and returns the reply", async () => {
    const identity = identityFromHeaders(new Headers({ "x-forwarded-email": "Alice@Example.com" }))!;
    const seen: JobRequest[] = [];
    const sub = admin.subscribe("cola.*", { queue: MIDDLEWARE_QUEUE_GROUP });
    const id = newJobId();
    void (async () => {
      for await (const m of sub) {
        seen.push(JSON.parse(new TextDecoder().decode(m.data)) as JobRequest);
        m.respond(JSON.stringify({ ok: true, id }));
      }
    })();
    await admin.flush();
    const reply = await sendJobRequest(nc, buildJobRequest(identity, "c", [{ name: "main.c", content: "int main(){}" }]));
    sub.unsubscribe();
    // Until the server has the unsubscribe, a request from the other connection still reaches this
    // subscription and goes unanswered (seen under load: the next test's "no responders" timed out).
    await admin.flush();
    assert.deepEqual(reply, { ok: true, id });
    assert.deepEqual(seen, [{ userId: alice, email: "alice@example.com", language: "c", files: [{ name: "main.c", content: "int main(){}" }] }]);
  });

  itIf(skip, "reports a missing middleware, a silent one and a malformed answer as messages, not exceptions", async () => {
    const identity = identityFromHeaders(new Headers({ "x-forwarded-email": "alice@example.com" }))!;
    const request = buildJobRequest(identity, "go", [{ name: "main.go", content: "package main" }]);
    const none = await sendJobRequest(nc, request);
    assert.equal(none.ok, false);
    assert.match(!none.ok ? none.error : "", /No middleware is answering on cola\.go/);

    const silent = admin.subscribe("cola.go", { queue: MIDDLEWARE_QUEUE_GROUP });
    await admin.flush();
    const timeout = await sendJobRequest(nc, request, 300);
    silent.unsubscribe();
    assert.match(!timeout.ok ? timeout.error : "", /did not answer on cola\.go within 0\.3 s/);

    const garbage = admin.subscribe("cola.go", {
      queue: MIDDLEWARE_QUEUE_GROUP,
      callback: (_e, m) => m.respond(JSON.stringify({ ok: true, id: "../../etc" })),
    });
    await admin.flush();
    const bad = await sendJobRequest(nc, request);
    garbage.unsubscribe();
    assert.deepEqual(bad, { ok: false, error: "The middleware's answer is not a job reply." });

    const refused = admin.subscribe("cola.go", {
      queue: MIDDLEWARE_QUEUE_GROUP,
      callback: (_e, m) => m.respond(JSON.stringify({ ok: false, error: "files[0].name: duplicate" })),
    });
    await admin.flush();
    assert.deepEqual(await sendJobRequest(nc, request), { ok: false, error: "files[0].name: duplicate" });
    refused.unsubscribe();
    await admin.flush();
  });

  itIf(skip, "stayed within the frontend user's NATS rights throughout (the server logged no violation)", () => {
    assert.doesNotMatch(server.log(), /violation/i);
  });
});

describe("a download's outcome", () => {
  it("never rejects: nats.js's rejection on a closed stream becomes an Error, as does a non-Error reason", async () => {
    const closed = new TypeError("Invalid state: Controller is already closed");
    expect(await streamOutcome(Promise.reject(closed))).toBe(closed);
    const odd = await streamOutcome(Promise.reject("gone"));
    expect(odd).toBeInstanceOf(Error);
    expect(odd?.message).toBe("gone");
    expect(await streamOutcome(Promise.resolve(null))).toBeNull();
    const corrupt = new Error("digest mismatch");
    expect(await streamOutcome(Promise.resolve(corrupt))).toBe(corrupt);
  });
});
