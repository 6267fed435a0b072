/**
 * The NATS rights the frontend needs, and nothing more: request jobs on the three subjects, read
 * KV records and objects (stream info, message gets, the ordered consumer an object read runs and
 * its flow control), replies only on its own inbox prefix; no account info (`$JS.API.INFO`). Tests
 * run the frontend with exactly these, so a call outside them fails a test. The chart's `frontend`
 * user allows these and nothing else (test/frontend/chart-fit.test.ts).
 */
import { inboxPrefix } from "../../../service/contract/env";
import { jobSubjects } from "../../../service/contract/languages";
import type { NatsUserSpec } from "./nats-users";

export const FRONTEND_NATS_USER = "frontend";

export const FRONTEND_PUBLISH = [
  ...jobSubjects(),
  "$JS.API.STREAM.INFO.*",
  "$JS.API.STREAM.NAMES",
  "$JS.API.STREAM.MSG.GET.*",
  "$JS.API.DIRECT.GET.>",
  "$JS.API.CONSUMER.CREATE.>",
  "$JS.FC.>",
] as const;

export function frontendUser(): NatsUserSpec {
  return { user: FRONTEND_NATS_USER, publish: { allow: FRONTEND_PUBLISH }, subscribe: { allow: [`${inboxPrefix(FRONTEND_NATS_USER)}.>`] } };
}

/** A user with every right, standing in for the middleware in tests that seed data. */
export function adminUser(name = "admin"): NatsUserSpec {
  return { user: name };
}
