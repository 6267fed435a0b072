/** The deploy contract of the workload Secrets: key rules (cookie secret) and generated keys. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "@jest/globals";
import { cookieSecretProblem } from "../../src/contracts/secrets";

describe("cookie secret rule (oauth2-proxy SecretBytes: RawURLEncoding, else raw bytes; 16/24/32)", () => {
  it("accepts URL-safe base64 of 16, 24 and 32 bytes, padded or not", () => {
    for (const n of [16, 24, 32]) {
      const b64 = randomBytes(n).toString("base64url");
      assert.equal(cookieSecretProblem(b64), undefined, b64);
      assert.equal(cookieSecretProblem(randomBytes(n).toString("base64").replace(/\+/g, "-").replace(/\//g, "_")), undefined);
    }
  });

  it("accepts raw strings of 16, 24 or 32 bytes", () => {
    assert.equal(cookieSecretProblem("0123456789abcdef"), undefined);
    assert.equal(cookieSecretProblem("!".repeat(24)), undefined);
  });

  it("rejects 33 base64 characters: Go cannot decode a length of 1 mod 4, and 33 raw bytes is no AES key size", () => {
    assert.match(cookieSecretProblem("abcdefghijklmnopqrstuvwxyzABCDEFG") ?? "", /got 33 bytes/);
    // 1 mod 4 of other sizes too (Node would decode 45 chars to 33 bytes, 21 to 15).
    assert.match(cookieSecretProblem("a".repeat(45)) ?? "", /must be/);
  });

  it("rejects other lengths", () => {
    assert.match(cookieSecretProblem("short") ?? "", /got 5 bytes/);
    assert.match(cookieSecretProblem(randomBytes(20).toString("base64url")) ?? "", /must be/);
  });
});
