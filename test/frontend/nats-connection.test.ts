/**
 * The frontend's shared NATS connection: a missing setting is named, an outage is reported at once
 * (pages show a message instead of waiting), and the connection comes back by itself when NATS does.
 */
import assert from "node:assert/strict";
import { afterAll, describe } from "@jest/globals";
import { NATS_ENV } from "../../service/contract/env";
import { closeNats, natsConnection, natsOrUnavailable, natsStatus, UnavailableError } from "../../service/frontend/lib/nats";
import { usersConf } from "../e2e/support/nats-users";
import { startNatsServer, type RunningNats } from "../support/nats-server";
import { itIf, missingTools } from "../support/requires";

const skip = missingTools(["nats-server"], "apt-get install nats-server");

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the frontend's NATS connection", () => {
  let server: RunningNats | undefined;
  afterAll(async () => {
    await closeNats();
    await server?.stop();
  });

  itIf(skip, "names the missing variable, reports an outage at once and reconnects when NATS is back", async () => {
    await assert.rejects(natsConnection({}), /NATS_URL is not set/);
    assert.equal(natsStatus().state, "not-configured");
    await assert.rejects(natsOrUnavailable(), (e: Error) => e instanceof UnavailableError && /misconfigured: NATS_URL is not set/.test(e.message));

    const conf = usersConf([{ user: "frontend" }]);
    server = await startNatsServer(conf.text, conf.env);
    const env = { [NATS_ENV.url]: server.url, [NATS_ENV.user]: "frontend", [NATS_ENV.password]: conf.passwords.frontend };
    const nc = await natsConnection(env);
    assert.equal(natsStatus().state, "connected");
    assert.equal(await natsOrUnavailable(), nc);

    const port = server.port;
    await server.stop();
    await until("the disconnect to be noticed", () => natsStatus().state !== "connected");
    const t = Date.now();
    await assert.rejects(natsOrUnavailable(), (e: Error) => e instanceof UnavailableError && /not reachable right now/.test(e.message));
    assert.ok(Date.now() - t < 500, "an outage is reported without waiting for a timeout");

    // NATS comes back on the same port with the same credentials (as a restarted pod would).
    const again = usersConf([{ user: "frontend" }], { port, passwords: conf.passwords });
    server = await startNatsServer(again.text, again.env);
    await until("the reconnect", () => natsStatus().state === "connected");
    assert.equal(await natsOrUnavailable(), nc, "the same connection, reconnected");
  });
});
