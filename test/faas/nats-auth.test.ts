/**
 * NATS authentication and authorization: the synthesized nats.conf, parsed, gives each user exactly
 * its subject rights (an executor cannot submit jobs or remove streams), passwords are variable
 * references filled from deploy-time Secrets, and every pod reads its password from a Secret the
 * deploy contract (`faasSecrets`) describes in that pod's namespace.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf } from "../support/requires";
import { stringify } from "yaml";
import { isGeneratedKey, faasSecrets } from "../../charts/faas/secrets";
import { findOnPath } from "../../src/deploy/runner";
import { parseNatsConf, permitted } from "../support/nats-conf";
import { environment, find, type K8sObject, synthFaas } from "./fixtures";

const local = environment("local");
const out = synthFaas(local);
const NS = local.config.faas.namespace;
const EXEC_NS = local.config.faas.executorNamespace;
const confText: string = find(out.all, "ConfigMap", "nats-config", NS).data["nats.conf"];
const conf = parseNatsConf(confText);

interface Rules {
  allow?: string[];
  deny?: string[];
}
interface User {
  user: string;
  password: { variable: string };
  permissions: { publish: Rules; subscribe: Rules; allow_responses?: boolean };
}
const users = (conf.authorization as unknown as { users: User[] }).users;
const user = (name: string) => {
  const u = users.find((x) => x.user === name);
  assert.ok(u, `user ${name} in nats.conf`);
  return u;
};
const canPublish = (name: string, subject: string) => permitted(user(name).permissions.publish, subject);
const canSubscribe = (name: string, subject: string) => permitted(user(name).permissions.subscribe, subject);

describe("nats.conf users and permissions", () => {
  it("has exactly the frontend, middleware and executor users, no anonymous or system user", () => {
    assert.deepEqual(users.map((u) => u.user), ["frontend", "middleware", "executor"]);
    assert.equal(conf.no_auth_user, undefined);
    assert.equal(conf.system_account, undefined);
    assert.equal(conf.accounts, undefined);
  });

  it("references every password as an environment variable, never a literal", () => {
    assert.deepEqual(
      users.map((u) => u.password),
      [{ variable: "NATS_FRONTEND_PASSWORD" }, { variable: "NATS_MIDDLEWARE_PASSWORD" }, { variable: "NATS_EXECUTOR_PASSWORD" }],
    );
    for (const line of confText.split("\n").filter((l) => /password/.test(l))) assert.match(line, /^\s*password: \$NATS_[A-Z]+_PASSWORD$/);
  });

  it("lets the executor write results and nothing else", () => {
    const ex = user("executor").permissions;
    assert.deepEqual(ex.publish.allow, ["$O.>", "$KV.>", "$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.MSG.GET.*", "$JS.API.DIRECT.GET.>"]);
    assert.deepEqual(ex.publish.deny, [
      "cola.>",
      "$JS.API.STREAM.CREATE.>",
      "$JS.API.STREAM.UPDATE.>",
      "$JS.API.STREAM.DELETE.>",
      "$JS.API.STREAM.PURGE.>",
      "$JS.API.STREAM.MSG.DELETE.>",
      "$JS.API.CONSUMER.DELETE.>",
    ]);
    assert.deepEqual(ex.subscribe.allow, ["_INBOX.>"]);
    assert.equal(ex.allow_responses, undefined);
    // What writing `<jobId>-output.zip` and the job's KV entry takes:
    for (const s of ["$O.alice.C.Nuid123", "$O.alice.M.am9iLTEtb3V0cHV0LnppcA", "$KV.alice.job-1", "$JS.API.STREAM.INFO.OBJ_alice", "$JS.API.STREAM.INFO.KV_alice", "$JS.API.DIRECT.GET.KV_alice.$KV.alice.job-1", "$JS.API.STREAM.MSG.GET.OBJ_alice"]) {
      assert.ok(canPublish("executor", s), `executor may publish ${s}`);
    }
    // Job injection, stream and consumer removal, bucket creation, config changes:
    for (const s of ["cola.go", "cola.javascript", "cola.c", "cola.anything.else", "$JS.API.STREAM.DELETE.KV_alice", "$JS.API.STREAM.DELETE.OBJ_bob", "$JS.API.STREAM.PURGE.KV_alice", "$JS.API.STREAM.CREATE.KV_mallory", "$JS.API.STREAM.UPDATE.KV_alice", "$JS.API.STREAM.MSG.DELETE.KV_alice", "$JS.API.CONSUMER.DELETE.KV_alice.c1", "$JS.API.CONSUMER.CREATE.KV_alice", "$JS.API.ACCOUNT.PURGE", "$SYS.REQ.SERVER.PING", "$JS.API.META.LEADER.STEPDOWN"]) {
      assert.ok(!canPublish("executor", s), `executor must not publish ${s}`);
    }
    assert.ok(!canSubscribe("executor", "cola.go") && !canSubscribe("executor", "cola.>"));
    assert.ok(canSubscribe("executor", "_INBOX.abc.1"));
  });

  it("lets the frontend submit jobs on the three language subjects only, and use KV and object store", () => {
    for (const s of ["cola.go", "cola.javascript", "cola.c", "$KV.alice.job-1", "$O.alice.C.x", "$JS.API.CONSUMER.CREATE.KV_alice", "$JS.API.STREAM.INFO.KV_alice", "$JS.FC.KV_alice.x"]) assert.ok(canPublish("frontend", s), s);
    for (const s of ["cola.python", "cola.go.x", "$JS.API.STREAM.DELETE.KV_alice", "$JS.API.STREAM.UPDATE.KV_alice", "$SYS.REQ.SERVER.PING"]) assert.ok(!canPublish("frontend", s), s);
    assert.ok(!canSubscribe("frontend", "cola.go"), "the frontend does not receive jobs");
  });

  it("lets the middleware receive jobs only as its queue group, never publish them, and answer requests", () => {
    const mw = user("middleware").permissions;
    assert.deepEqual(mw.subscribe.allow, ["cola.> middleware", "_INBOX.>"]);
    assert.equal(mw.allow_responses, true);
    for (const s of ["cola.go", "cola.c"]) assert.ok(!canPublish("middleware", s), s);
    assert.ok(canPublish("middleware", "$KV.alice.job-1") && canPublish("middleware", "$O.alice.M.x"));
    assert.ok(!canPublish("middleware", "$JS.API.STREAM.DELETE.OBJ_alice"));
  });

  itIf(findOnPath("nats-server") ? undefined : "nats-server not installed: config syntax checked by the parser only (apt-get install nats-server)", "is accepted by nats-server's config check (with the variables set as the pod sets them)", () => {
    const dir = mkdtempSync(join(tmpdir(), "clusterkit-nats-"));
    const file = join(dir, "nats.conf");
    writeFileSync(file, confText.replace(/\/var\/run\/nats\//g, `${dir}/`).replace(/store_dir: \/data/, `store_dir: ${dir}/data`));
    const env = { PATH: process.env.PATH ?? "", SERVER_NAME: "nats-0", NATS_FRONTEND_PASSWORD: "kA1-_b", NATS_MIDDLEWARE_PASSWORD: "k9-x", NATS_EXECUTOR_PASSWORD: "kz_0" };
    const ok = spawnSync("nats-server", ["-t", "-c", file], { env, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    // Without the Secret-provided variable the server refuses to start rather than run without auth.
    const missing = spawnSync("nats-server", ["-t", "-c", file], { env: { ...env, NATS_EXECUTOR_PASSWORD: undefined }, encoding: "utf8" });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr + missing.stdout, /NATS_EXECUTOR_PASSWORD/);
  });
});

describe("NATS credentials: Secrets referenced, never contained", () => {
  const secretRefs = (o: K8sObject) => {
    const spec = o.kind === "PodTemplate" ? o.template.spec : o.spec.template.spec;
    return [...spec.containers, ...(spec.initContainers ?? [])].flatMap((c: any) =>
      (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => ({ container: c.name, env: e.name, ...e.valueFrom.secretKeyRef })),
    );
  };

  it("gives the NATS server every user's password from the faas-namespace Secret", () => {
    const refs = secretRefs(find(out.all, "StatefulSet", "nats", NS)).filter((r) => r.container === "nats");
    assert.deepEqual(refs, [
      { container: "nats", env: "NATS_FRONTEND_PASSWORD", name: "nats-credentials", key: "frontend-password" },
      { container: "nats", env: "NATS_MIDDLEWARE_PASSWORD", name: "nats-credentials", key: "middleware-password" },
      { container: "nats", env: "NATS_EXECUTOR_PASSWORD", name: "nats-credentials", key: "executor-password" },
    ]);
  });

  it("gives each client NATS_USER and its own password from its namespace's Secret", () => {
    const clients: [K8sObject, string][] = [
      [find(out.all, "Deployment", "frontend", NS), "frontend"],
      [find(out.all, "Deployment", "middleware", NS), "middleware"],
      ...(["go", "javascript", "c"] as const).map((l): [K8sObject, string] => [find(out.all, "PodTemplate", `executor-${l}`, EXEC_NS), "executor"]),
    ];
    for (const [o, name] of clients) {
      const spec = o.kind === "PodTemplate" ? o.template.spec : o.spec.template.spec;
      const env = spec.containers[0].env;
      assert.deepEqual(env.find((e: any) => e.name === "NATS_USER"), { name: "NATS_USER", value: name }, o.metadata.name);
      assert.deepEqual(env.find((e: any) => e.name === "NATS_PASSWORD"), { name: "NATS_PASSWORD", valueFrom: { secretKeyRef: { name: "nats-credentials", key: `${name}-password` } } }, o.metadata.name);
    }
  });

  it("every secretKeyRef in the output names a Secret and key the deploy step creates in that namespace", () => {
    for (const env of [local, environment("ack-managed")]) {
      const specs = faasSecrets(env.config.faas);
      for (const o of synthFaas(env).all.filter((x) => ["Deployment", "StatefulSet", "PodTemplate"].includes(x.kind))) {
        for (const r of secretRefs(o)) {
          const spec = specs.find((s) => s.namespace === o.metadata.namespace && s.name === r.name);
          assert.ok(spec, `${o.kind} ${o.metadata.namespace}/${o.metadata.name} -> Secret ${r.name}`);
          assert.ok(spec.keys.some((k) => k.key === r.key), `${r.name} has key ${r.key}`);
        }
      }
    }
  });

  it("describes the executor password as ONE generated value in both namespaces; all NATS keys are generated", () => {
    const specs = faasSecrets(local.config.faas).filter((s) => s.name === "nats-credentials");
    assert.deepEqual(specs.map((s) => `${s.namespace}: ${s.keys.map((k) => k.key).join(",")}`), [`${NS}: frontend-password,middleware-password,executor-password`, `${EXEC_NS}: executor-password`]);
    const ids = specs.map((s) => s.keys.map((k) => (isGeneratedKey(k) ? k.generated : "INPUT")));
    assert.deepEqual(ids, [["nats-frontend-password", "nats-middleware-password", "nats-executor-password"], ["nats-executor-password"]]);
  });

  it("synthesizes no Secret and no password value", () => {
    assert.deepEqual(out.all.filter((o) => o.kind === "Secret"), []);
    assert.doesNotMatch(stringify(out.all), /password:\s*(?!\$NATS_[A-Z]+_PASSWORD$)\S+/m);
  });
});
