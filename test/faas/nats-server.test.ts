/**
 * Every allow and deny docs/faas.md claims for NATS, against Debian's nats-server (2.9.10) running
 * the SYNTHESIZED nats.conf (test/support/nats-server.ts changes only the listen address, the
 * store folder and drops the cluster block), with the real nats.js client the service uses.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import { connect, type NatsConnection } from "nats";
import { inboxPrefix } from "../../service/contract/env";
import { type JobRecord, newJobId } from "../../service/contract/job";
import { jobSubject, MIDDLEWARE_QUEUE_GROUP } from "../../service/contract/languages";
import { jobsBucket, outputsBucket, userIdFromEmail } from "../../service/contract/user";
import { getJob, JS_OPTIONS as FRONTEND_JS, listJobs, openOutputZip } from "../../service/frontend/lib/jobs";
import { Conflict, JobStore } from "../../service/middleware/store";
import { missingTools, itIf } from "../support/requires";
import { type RunningNats, startNatsServer, testPassword } from "../support/nats-server";
import { environment, find, synthFaas } from "./fixtures";

const skip = missingTools(["nats-server"], "apt-get install nats-server");
const local = environment("local");
const conf: string = find(synthFaas(local).all, "ConfigMap", "nats-config", local.config.faas.namespace).data["nats.conf"];

const PASSWORDS = { frontend: testPassword(), middleware: testPassword(), executor: testPassword() };
const alice = userIdFromEmail("alice@example.org");
const bob = userIdFromEmail("bob@example.org");

let server: RunningNats;
let fe: NatsConnection;
let mw: NatsConnection;
const opened: NatsConnection[] = [];

async function login(user: "frontend" | "middleware", extra: Record<string, unknown> = {}): Promise<NatsConnection> {
  const nc = await connect({ servers: server.url, user, pass: PASSWORDS[user], inboxPrefix: inboxPrefix(user), ...extra });
  opened.push(nc);
  return nc;
}

async function denied(p: Promise<unknown>, what: RegExp): Promise<void> {
  await expect(p).rejects.toThrow(what);
}

/** Subscribing is refused: the server answers with a permissions violation that ends the subscription. */
async function subscribeDenied(nc: NatsConnection, subject: string, queue?: string): Promise<void> {
  const sub = nc.subscribe(subject, queue ? { queue } : {});
  await denied(
    (async () => {
      for await (const _ of sub) throw new Error(`received a message on ${subject}`);
    })(),
    new RegExp(`Permissions Violation for Subscription to "${subject.replace(/[.$*>]/g, "\\$&")}"`),
  );
}

const pub = (subject: string) => new RegExp(`Permissions Violation for Publish to "${subject.replace(/[.$*>]/g, "\\$&")}`);

function record(userId: string): JobRecord {
  return {
    id: newJobId(),
    userId,
    email: "alice@example.org",
    language: "go",
    status: "Pendiente",
    files: [{ name: "main.go", size: 10 }],
    submittedAt: new Date().toISOString(),
  };
}

describe("NATS permissions on the real server", () => {
  beforeAll(async () => {
    if (skip) return;
    // NATS_EXECUTOR_PASSWORD is set too: a config that gave executors a user again would accept it.
    server = await startNatsServer(conf, {
      NATS_FRONTEND_PASSWORD: PASSWORDS.frontend,
      NATS_MIDDLEWARE_PASSWORD: PASSWORDS.middleware,
      NATS_EXECUTOR_PASSWORD: PASSWORDS.executor,
    });
    fe = await login("frontend");
    mw = await login("middleware");
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((c) => c.close()));
    await server?.stop();
  });

  itIf(skip, "refuses anonymous, wrong-password and executor logins", async () => {
    await denied(connect({ servers: server.url, reconnect: false }), /Authorization Violation/);
    await denied(connect({ servers: server.url, user: "frontend", pass: PASSWORDS.middleware, reconnect: false }), /Authorization Violation/);
    // Executors hold no NATS credentials: no user exists for them, whatever password they try.
    for (const pass of [PASSWORDS.executor, PASSWORDS.frontend, PASSWORDS.middleware])
      await denied(connect({ servers: server.url, user: "executor", pass, reconnect: false }), /Authorization Violation/);
  });

  itIf(skip, "lets the middleware do everything its job store does: buckets, records with compare-and-set, sources, zips, listings", async () => {
    const store = new JobStore(mw.jetstream(), await mw.jetstreamManager(), 1);
    const r = record(alice);
    const rev = await store.create(r, '{"v":1,"files":[]}');
    await expect(store.create(r)).rejects.toBeInstanceOf(Conflict);
    const running = await store.update({ ...r, status: "running" }, rev);
    await expect(store.update({ ...r, status: "failed" }, rev)).rejects.toBeInstanceOf(Conflict);
    assert.equal((await store.get(alice, r.id))?.record.status, "running");
    assert.equal(await store.source(alice, r.id), '{"v":1,"files":[]}');
    await store.update({ ...r, status: "finished" }, running.revision);
    const zip = Buffer.alloc(3 * 1024 * 1024, 7);
    await store.putZip(alice, `${r.id}-output.zip`, zip);
    await store.putZip(alice, `${r.id}-output.zip`, zip); // an identical retry is a no-op
    await expect(store.putZip(alice, `${r.id}-output.zip`, Buffer.from("other"))).rejects.toThrow(/different content/);
    assert.deepEqual(
      (await store.buckets()).map((b) => b.userId),
      [alice],
    );
    assert.deepEqual(
      (await store.records(alice)).map((v) => v.record.status),
      ["finished"],
    );
  });

  itIf(skip, "delivers each job request to exactly one middleware replica, whose reply reaches the frontend", async () => {
    const replicas = [await login("middleware"), await login("middleware")];
    const seen: string[][] = [[], []];
    const subs = replicas.map((nc, i) =>
      nc.subscribe(jobSubject("go"), {
        queue: MIDDLEWARE_QUEUE_GROUP,
        callback: (_err, msg) => {
          seen[i]!.push(msg.string());
          msg.respond(Buffer.from(JSON.stringify({ ok: true, id: `r${i}` })));
        },
      }),
    );
    await Promise.all(replicas.map((nc) => nc.flush()));
    const replies: string[] = [];
    for (let n = 0; n < 20; n++) replies.push((await fe.request(jobSubject("go"), Buffer.from(`job-${n}`), { timeout: 2000 })).string());
    assert.equal(seen[0]!.length + seen[1]!.length, 20, "each request handled once");
    assert.deepEqual([...seen[0]!, ...seen[1]!].sort(), Array.from({ length: 20 }, (_, n) => `job-${n}`).sort());
    assert.ok(replies.every((r) => /^\{"ok":true,"id":"r[01]"\}$/.test(r)));
    subs.forEach((s) => s.unsubscribe());
  });

  itIf(skip, "lets the frontend read records (get, list, watch) and download a zip, and nothing more", async () => {
    const store = new JobStore(mw.jetstream(), await mw.jetstreamManager(), 1);
    const r = record(bob);
    await store.create(r);
    const zip = Buffer.alloc(2 * 1024 * 1024 + 17, 3);
    await store.putZip(bob, `${r.id}-output.zip`, zip);

    // The frontend's own reads, as the chart's frontend user.
    assert.deepEqual(
      (await listJobs(fe, bob)).map((j) => j.id),
      [r.id],
    );
    assert.equal((await getJob(fe, bob, r.id))?.status, "Pendiente");
    const download = await openOutputZip(fe, bob, r.id);
    assert.equal(download?.size, zip.length);
    // Cancelled on purpose, as a browser that goes away does: nats.js may then reject its own
    // error promise ("Controller is already closed"); openOutputZip's `error` resolves instead.
    await download?.data.cancel();

    // The same reads through nats.js's views, opened as the frontend opens JetStream.
    const js = fe.jetstream(FRONTEND_JS);
    const kv = await js.views.kv(jobsBucket(bob), { bindOnly: true });
    assert.equal(JSON.parse((await kv.get(r.id))!.string()).id, r.id);
    const keys: string[] = [];
    for await (const k of await kv.keys("*")) keys.push(k);
    assert.deepEqual(keys, [r.id]);
    const watch = await kv.watch({ key: "*" });
    const first = await watch[Symbol.asyncIterator]().next();
    assert.equal(first.value?.key, r.id);
    watch.stop();
    const os = await js.views.os(outputsBucket(bob));
    const got = await os.get(`${r.id}-output.zip`);
    const chunks: Uint8Array[] = [];
    for await (const c of got!.data) chunks.push(c);
    assert.ok(Buffer.concat(chunks).equals(zip), "the whole zip, through an ordered consumer with flow control");

    await denied(kv.put(r.id, "forged"), pub(`$KV.${jobsBucket(bob)}.${r.id}`));
    await denied(kv.create("x1", "forged"), pub(`$KV.${jobsBucket(bob)}.x1`));
    await denied(kv.delete(r.id), pub(`$KV.${jobsBucket(bob)}.${r.id}`));
    // The chunk publish is refused (reported asynchronously), then so is the client's clean-up purge.
    await denied(os.putBlob({ name: "forged.zip" }, Buffer.from("x")), /Permissions Violation for Publish to "\$(O\.|JS\.API\.STREAM\.PURGE\.)/);
    assert.equal(await os.info("forged.zip"), null, "no object was stored");
    await denied(js.views.kv(jobsBucket(userIdFromEmail("new@example.org"))), pub("$JS.API.STREAM.CREATE."));
    // Account info is not a right the frontend has (it opens JetStream without the API check).
    await denied(fe.jetstreamManager(), pub("$JS.API.INFO"));
    await denied(fe.request("cola.python", Buffer.from("{}"), { timeout: 2000 }), pub("cola.python"));
    await denied(fe.request("cola.go.extra", Buffer.from("{}"), { timeout: 2000 }), pub("cola.go.extra"));
    assert.equal(JSON.parse((await kv.get(r.id))!.string()).status, "Pendiente", "the record is unchanged");
  });

  itIf(skip, "lets nobody delete, purge or rewrite a stream, its messages or its consumers", async () => {
    const store = new JobStore(mw.jetstream(), await mw.jetstreamManager(), 1);
    await store.create(record(alice));
    const stream = `KV_${jobsBucket(alice)}`;
    for (const nc of [fe, mw]) {
      const jsm = await nc.jetstreamManager(nc === fe ? FRONTEND_JS : {});
      const info = await jsm.streams.info(stream);
      await denied(jsm.streams.delete(stream), pub(`$JS.API.STREAM.DELETE.${stream}`));
      await denied(jsm.streams.purge(stream), pub(`$JS.API.STREAM.PURGE.${stream}`));
      await denied(jsm.streams.update(stream, { ...info.config, max_msgs: 1 }), pub(`$JS.API.STREAM.UPDATE.${stream}`));
      await denied(jsm.streams.deleteMessage(stream, 1), pub(`$JS.API.STREAM.MSG.DELETE.${stream}`));
      await denied(jsm.consumers.delete(stream, "any"), pub(`$JS.API.CONSUMER.DELETE.${stream}.any`));
      await denied(
        nc.request(`$JS.API.CONSUMER.DURABLE.CREATE.${stream}.old-style`, Buffer.from("{}"), { timeout: 2000 }),
        pub(`$JS.API.CONSUMER.DURABLE.CREATE.${stream}`),
      );
    }
    const after = await (await mw.jetstreamManager()).streams.info(stream);
    assert.ok(after.state.messages >= 1, "the stream and its records are still there");
  });

  itIf(skip, "cannot stop a reader from creating a durable consumer (what subject permissions cannot express; docs/faas.md says so)", async () => {
    // Reading a bucket needs $JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>; the same subject
    // creates a durable consumer when the request body names one. It changes no data, and the
    // frontend cannot delete it either; an operator removes leftovers.
    const store = new JobStore(mw.jetstream(), await mw.jetstreamManager(), 1);
    await store.create(record(alice));
    const stream = `KV_${jobsBucket(alice)}`;
    const created = await (await fe.jetstreamManager(FRONTEND_JS)).consumers.add(stream, { durable_name: "left-behind" });
    assert.equal(created.config.durable_name, "left-behind");
  });

  itIf(skip, "lets nobody read another client's inbox, and the middleware receive jobs only as its queue group", async () => {
    for (const subject of ["_INBOX_middleware.>", "_INBOX.>", ">", "cola.go"]) await subscribeDenied(fe, subject);
    for (const subject of ["_INBOX_frontend.>", "_INBOX.>", ">"]) await subscribeDenied(mw, subject);
    await subscribeDenied(mw, "cola.go");
    await subscribeDenied(mw, "cola.go", "not-middleware");
    // Its own inbox works (every request above got its reply there).
    assert.equal(fe.isClosed() || mw.isClosed(), false);
  });

  itIf(skip, "lets the middleware answer requests it received, but neither publish jobs nor write into the frontend's inbox", async () => {
    await denied(mw.request(jobSubject("c"), Buffer.from("{}"), { timeout: 2000 }), pub("cola.c"));
    await denied(mw.request("_INBOX_frontend.probe", Buffer.from("{}"), { timeout: 2000 }), pub("_INBOX_frontend.probe"));
  });
});
