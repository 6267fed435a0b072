import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import type { AckConfig } from "../../src/config/schema";
import { placeholderProblems } from "../../src/deploy/placeholders";
import { testEnvironment } from "../support/synth-charts";

function ack(overrides: Record<string, unknown> = {}): AckConfig {
  return testEnvironment("ack-managed", overrides).config as AckConfig;
}

describe("ACK placeholder names refused at deploy", () => {
  it("names every public placeholder of the defaults, by field", () => {
    const problems = placeholderProblems("ack-managed", ack());
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems[0]!, /^ack-managed\.faas\.oauth2Proxy\.redirectUrl: https:\/\/faas\.example\.com\/oauth2\/callback is a placeholder/);
    assert.match(problems[1]!, /^ack-managed\.faas\.oauth2Proxy\.emailDomains: example\.com is a placeholder/);
    assert.match(problems[2]!, /^ack-managed\.webApp\.host: web\.example\.com is a placeholder/);
  });

  it("accepts real names, and ignores disabled parts", () => {
    const real = ack({
      webApp: { host: "web.acme.io" },
      faas: { oauth2Proxy: { redirectUrl: "https://faas.acme.io/oauth2/callback", emailDomains: ["acme.io"] } },
    });
    assert.deepEqual(placeholderProblems("ack-managed", real), []);
    const off = ack({ webApp: { enabled: false }, faas: { enabled: false } });
    assert.deepEqual(placeholderProblems("ack-managed", off), []);
  });
});
