/**
 * The job store lists a user's records without a consumer. nats.js's kv.keys() runs an ordered
 * consumer that sometimes never ended under load, which left a replica's reconciliation (and its
 * start()) waiting forever. Here the store runs as a NATS user that may not create consumers at
 * all, so a listing through one fails the test.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { connect, type NatsConnection } from "nats";
import { inboxPrefix } from "../../service/contract/env";
import { newJobId, sourceKey, type JobRecord } from "../../service/contract/job";
import { jobsBucket, userIdFromEmail } from "../../service/contract/user";
import { JobStore } from "../../service/middleware/store";
import { adminUser } from "../e2e/support/frontend-permissions";
import { usersConf } from "../e2e/support/nats-users";
import { startNatsServer, type RunningNats } from "../support/nats-server";
import { itIf, missingTools } from "../support/requires";

const skip = missingTools(["nats-server"], "apt-get install nats-server");
const user = userIdFromEmail("dana@example.org");

describe("JobStore.records", () => {
  let server: RunningNats;
  let admin: NatsConnection;
  let reader: NatsConnection;

  beforeAll(async () => {
    if (skip) return;
    const conf = usersConf([
      adminUser(),
      // Account and stream info, message gets: no $JS.API.CONSUMER.CREATE, no $JS.FC.
      {
        user: "lister",
        publish: { allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.MSG.GET.*", "$JS.API.DIRECT.GET.>"] },
        subscribe: { allow: [`${inboxPrefix("lister")}.>`] },
      },
    ]);
    server = await startNatsServer(conf.text, conf.env);
    admin = await connect({ servers: server.url, user: "admin", pass: conf.passwords.admin });
    reader = await connect({ servers: server.url, user: "lister", pass: conf.passwords.lister, inboxPrefix: inboxPrefix("lister") });
  });
  afterAll(async () => {
    await reader?.close();
    await admin?.close();
    await server?.stop();
  });

  itIf(skip, "lists every record of a user (not sources, not deleted ones) from the stream's subjects, without a consumer", async () => {
    const writer = new JobStore(admin.jetstream(), await admin.jetstreamManager(), 1);
    const records: JobRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const r: JobRecord = {
        id: newJobId(Date.now() + i),
        userId: user,
        email: "dana@example.org",
        language: "c",
        status: "Pendiente",
        files: [{ name: "main.c", size: 1 }],
        submittedAt: new Date().toISOString(),
      };
      await writer.create(r, '{"v":1,"files":[]}');
      records.push(r);
    }
    const kv = await admin.jetstream().views.kv(jobsBucket(user), { bindOnly: true });
    await kv.delete(records[4]!.id);
    assert.ok(await kv.get(sourceKey(records[0]!.id)), "sources are stored beside the records");

    const store = new JobStore(reader.jetstream(), await reader.jetstreamManager(), 1);
    const listed = await store.records(user);
    assert.deepEqual(
      listed.map((v) => v.record.id).sort(),
      records
        .slice(0, 4)
        .map((r) => r.id)
        .sort(),
    );
    assert.ok(listed.every((v) => v.revision > 0));
    assert.doesNotMatch(server.log(), /violation/i, "no consumer was asked for");
  });
});
