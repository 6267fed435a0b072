/**
 * The chart and the frontend agree: the probes call the contract's health path, which the frontend
 * serves without sign-in (as it serves every path of the contract), the pod gets the NATS env the
 * frontend reads, and the synthesized nats.conf grants the frontend user every subject the frontend
 * uses and nothing else (frontend-permissions.ts, the rights the NATS tests run the frontend with).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { NATS_ENV } from "../../service/contract/env";
import { jobSubjects } from "../../service/contract/languages";
import { jobsBucket, outputsBucket, userIdFromEmail } from "../../service/contract/user";
import { API_PATHS } from "../../service/contract/http";
import { PUBLIC_PATHS } from "../../service/frontend/lib/routes";
import { FRONTEND_NATS_USER, FRONTEND_PUBLISH } from "../e2e/support/frontend-permissions";
import { environment, find, synthFaas } from "../faas/fixtures";
import { parseNatsConf, permitted, subjectMatches } from "../support/nats-conf";

const local = environment("local");
const out = synthFaas(local);
const ns = local.config.faas.namespace;
const container = find(out.all, "Deployment", "frontend", ns).spec.template.spec.containers[0];
const env = Object.fromEntries((container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
type Rules = { allow?: string[]; deny?: string[] };
const users = (
  parseNatsConf(find(out.all, "ConfigMap", "nats-config", ns).data["nats.conf"]).authorization as unknown as {
    users: { user: string; permissions: { publish: Rules; subscribe: Rules } }[];
  }
).users;
const frontend = users.find((u) => u.user === FRONTEND_NATS_USER)!;

describe("chart and frontend fit together", () => {
  it("probes the contract's health path, which the frontend serves without sign-in", () => {
    for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) assert.equal(container[p].httpGet.path, API_PATHS.health, p);
    assert.deepEqual(PUBLIC_PATHS, [API_PATHS.health], "the health path, and only it, is open");
  });

  it("serves every path of the HTTP contract from an App Router route with the contract's methods", () => {
    const app = join(__dirname, "../../service/frontend/app");
    const routes: [string, string[]][] = [
      [API_PATHS.health, ["GET"]],
      [API_PATHS.jobs, ["POST"]],
      [API_PATHS.job("[id]"), ["GET"]],
      [API_PATHS.download("[id]"), ["GET"]],
    ];
    for (const [path, methods] of routes) {
      const file = join(app, path, "route.ts");
      assert.ok(existsSync(file), `${path} has ${file}`);
      const mod = require(file) as Record<string, unknown>;
      for (const m of methods) assert.equal(typeof mod[m], "function", `${path} exports ${m}`);
    }
  });

  it("gives the pod the NATS user and inbox prefix the frontend reads, listening on all addresses", () => {
    assert.equal(env[NATS_ENV.user], FRONTEND_NATS_USER);
    assert.ok(env[NATS_ENV.inboxPrefix], "NATS_INBOX_PREFIX is set");
    assert.ok(container.env.some((e: { name: string }) => e.name === NATS_ENV.password));
    assert.equal(env.HOSTNAME, "0.0.0.0");
    assert.equal(env.PORT, String(container.ports[0].containerPort));
  });

  it("lets the frontend user publish every subject the frontend uses and receive on its inbox prefix", () => {
    const user = userIdFromEmail("alice@example.com");
    const kv = `KV_${jobsBucket(user)}`;
    const os = `OBJ_${outputsBucket(user)}`;
    const used = [
      ...jobSubjects(),
      `$JS.API.STREAM.INFO.${kv}`,
      `$JS.API.STREAM.INFO.${os}`,
      "$JS.API.STREAM.NAMES",
      `$JS.API.STREAM.MSG.GET.${kv}`,
      `$JS.API.DIRECT.GET.${kv}.$KV.${jobsBucket(user)}.01jgfjk0ygsj8br63jdpq0q19s`,
      `$JS.API.CONSUMER.CREATE.${os}.c1.$O.${outputsBucket(user)}.C.abc`,
      `$JS.FC.${os}.c1.1`,
    ];
    // Each sample is an instance of a rule the fast tier grants (and nothing outside them was needed there).
    for (const s of used)
      assert.ok(
        FRONTEND_PUBLISH.some((p) => subjectMatches(p, s)),
        `sample ${s} is covered by frontend-permissions.ts`,
      );
    for (const s of used) assert.ok(permitted(frontend.permissions.publish, s), `the chart lets the frontend publish ${s}`);
    assert.ok(permitted(frontend.permissions.subscribe, `${env[NATS_ENV.inboxPrefix]}.abc.1`), "replies reach the frontend's inbox prefix");
  });

  it("grants the frontend user nothing beyond the rights the frontend's NATS tests run with (least privilege)", () => {
    const granted = frontend.permissions.publish.allow ?? [];
    assert.deepEqual(
      granted.filter((a) => !(FRONTEND_PUBLISH as readonly string[]).includes(a)),
      [],
      "every allowed subject is one the frontend is tested with",
    );
    // nats.js asks for account info unless told not to; the frontend does not, and may not.
    assert.ok(!permitted(frontend.permissions.publish, "$JS.API.INFO"), "no $JS.API.INFO");
  });
});
