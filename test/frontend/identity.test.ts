/**
 * Identity comes only from oauth2-proxy's headers and maps to the contract's user id and buckets;
 * anything else (no header, a list, a forged-looking value) is no identity at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { inboxPrefix, NATS_ENV } from "../../service/contract/env";
import { jobsBucket, outputsBucket, userIdFromEmail } from "../../service/contract/user";
import { natsSettings } from "../../service/frontend/lib/env";
import { identityFromHeaders } from "../../service/frontend/lib/identity";

const h = (init: Record<string, string>) => new Headers(init);

describe("identity from oauth2-proxy's headers", () => {
  it("takes the email from X-Forwarded-Email and derives the contract's user id and bucket names", () => {
    const id = identityFromHeaders(h({ "X-Forwarded-Email": " Alice@Example.COM ", "X-Forwarded-User": "10937" }));
    assert.deepEqual(id, { email: "alice@example.com", user: "10937", userId: userIdFromEmail("alice@example.com") });
    assert.match(jobsBucket(id!.userId), /^jobs-u[0-9a-f]{32}$/);
    assert.match(outputsBucket(id!.userId), /^outputs-u[0-9a-f]{32}$/);
    assert.notEqual(identityFromHeaders(h({ "x-forwarded-email": "bob@example.com" }))!.userId, id!.userId);
  });

  it("accepts the address from X-Forwarded-User when the provider puts it only there", () => {
    assert.equal(identityFromHeaders(h({ "x-forwarded-user": "carol@example.com" }))?.email, "carol@example.com");
    // ...but never when X-Forwarded-Email is there and malformed.
    assert.equal(identityFromHeaders(h({ "x-forwarded-email": "a@x.com, b@x.com", "x-forwarded-user": "carol@example.com" })), undefined);
  });

  it("is no identity without the headers, or with anything that is not exactly one address", () => {
    assert.equal(identityFromHeaders(h({})), undefined);
    assert.equal(identityFromHeaders(h({ "x-forwarded-user": "10937" })), undefined);
    for (const bad of [
      "",
      "alice",
      "alice@example.com, bob@example.com",
      "alice@example.com;bob@example.com",
      "Alice <alice@example.com>",
      "a b@example.com",
      `${"a".repeat(250)}@example.com`,
    ]) {
      assert.equal(identityFromHeaders(h({ "x-forwarded-email": bad })), undefined, bad);
    }
  });

  it("ignores other places a client could put an identity", () => {
    assert.equal(
      identityFromHeaders(
        h({
          cookie: "email=alice@example.com",
          authorization: "Bearer alice@example.com",
          "x-email": "alice@example.com",
          "x-auth-request-email": "alice@example.com",
        }),
      ),
      undefined,
    );
  });
});

describe("NATS settings from the environment", () => {
  it("reads the contract's variables; the inbox prefix is the one the chart sets, else NATS's default", () => {
    assert.deepEqual(
      natsSettings({
        [NATS_ENV.url]: "nats://nats.faas.svc:4222",
        [NATS_ENV.user]: "frontend",
        [NATS_ENV.password]: "pw",
        [NATS_ENV.inboxPrefix]: inboxPrefix("frontend"),
      }),
      {
        servers: ["nats://nats.faas.svc:4222"],
        user: "frontend",
        password: "pw",
        inboxPrefix: "_INBOX_frontend",
      },
    );
    assert.equal(natsSettings({ [NATS_ENV.url]: "nats://a:4222", [NATS_ENV.user]: "frontend" }).inboxPrefix, undefined);
    assert.deepEqual(natsSettings({ [NATS_ENV.url]: "nats://a:4222,nats://b:4222" }).servers, ["nats://a:4222", "nats://b:4222"]);
  });

  it("names the variable and the rule when a value is wrong, without echoing the password", () => {
    assert.throws(() => natsSettings({}), /NATS_URL is not set/);
    assert.throws(
      () => natsSettings({ [NATS_ENV.url]: "nats://frontend:secret@a:4222" }),
      (e: Error) => /NATS_URL: .* is not a NATS server address/.test(e.message),
    );
    assert.throws(
      () => natsSettings({ [NATS_ENV.url]: "nats://a:4222", [NATS_ENV.password]: "hunter2" }),
      (e: Error) => /NATS_PASSWORD is set but NATS_USER is not/.test(e.message) && !e.message.includes("hunter2"),
    );
    assert.throws(() => natsSettings({ [NATS_ENV.url]: "nats://a:4222", [NATS_ENV.inboxPrefix]: "_INBOX.>" }), /NATS_INBOX_PREFIX/);
  });
});
