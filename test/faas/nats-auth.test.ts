/**
 * NATS authentication and authorization, read from the synthesized nats.conf: exactly two users
 * (executors have none), each with exactly its subject rights, passwords as variable references
 * filled from deploy-time Secrets, and every pod reading its password from a Secret the deploy
 * contract (`faasSecrets`) describes in its namespace. What the real server makes of these rules is
 * proved in nats-server.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { itIf } from "../support/requires";
import { stringify } from "yaml";
import { isGeneratedKey, faasSecrets } from "../../src/contracts/secrets";
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
  it("has exactly the frontend and middleware users: no executor, anonymous or system user", () => {
    assert.deepEqual(
      users.map((u) => u.user),
      ["frontend", "middleware"],
    );
    assert.equal(conf.no_auth_user, undefined);
    assert.equal(conf.system_account, undefined);
    assert.equal(conf.accounts, undefined);
  });

  it("references every password as an environment variable, never a literal", () => {
    assert.deepEqual(
      users.map((u) => u.password),
      [{ variable: "NATS_FRONTEND_PASSWORD" }, { variable: "NATS_MIDDLEWARE_PASSWORD" }],
    );
    for (const line of confText.split("\n").filter((l) => /password/.test(l))) assert.match(line, /^\s*password: \$NATS_[A-Z]+_PASSWORD$/);
  });

  it("gives each user its own inbox prefix only", () => {
    assert.deepEqual(user("frontend").permissions.subscribe.allow, ["_INBOX_frontend.>"]);
    assert.deepEqual(user("middleware").permissions.subscribe.allow, ["cola.* middleware", "_INBOX_middleware.>"]);
    for (const name of ["frontend", "middleware"]) {
      assert.ok(!canSubscribe(name, "_INBOX.abc"), `${name}: not the shared _INBOX`);
      assert.ok(!canSubscribe(name, `_INBOX_${name === "frontend" ? "middleware" : "frontend"}.abc`), `${name}: not the other's inbox`);
    }
  });

  it("lets the frontend submit jobs on the three language subjects and read JetStream, never write it", () => {
    for (const s of [
      "cola.go",
      "cola.javascript",
      "cola.c",
      "$JS.API.STREAM.INFO.KV_jobs-u1",
      "$JS.API.DIRECT.GET.KV_jobs-u1.$KV.jobs-u1.k",
      "$JS.API.CONSUMER.CREATE.OBJ_outputs-u1",
      "$JS.FC.KV_x.y",
    ])
      assert.ok(canPublish("frontend", s), s);
    for (const s of [
      "cola.python",
      "cola.go.x",
      "$KV.jobs-u1.k",
      "$O.outputs-u1.C.x",
      "$JS.API.STREAM.CREATE.KV_jobs-u2",
      "$JS.API.STREAM.DELETE.KV_x",
      "$JS.API.STREAM.UPDATE.KV_x",
      "$JS.API.STREAM.PURGE.KV_x",
      "$SYS.REQ.SERVER.PING",
    ])
      assert.ok(!canPublish("frontend", s), s);
    assert.ok(!canSubscribe("frontend", "cola.go"), "the frontend does not receive jobs");
    assert.equal(user("frontend").permissions.allow_responses, undefined);
  });

  it("lets the middleware receive jobs only as its queue group, answer them, and write job state; never publish jobs or destroy streams", () => {
    const mw = user("middleware").permissions;
    assert.equal(mw.allow_responses, true);
    for (const s of ["cola.go", "cola.c"]) assert.ok(!canPublish("middleware", s), s);
    for (const s of ["$KV.jobs-u1.k", "$O.outputs-u1.M.x", "$JS.API.STREAM.CREATE.KV_jobs-u1", "$JS.API.STREAM.LIST"])
      assert.ok(canPublish("middleware", s), s);
    for (const s of [
      "$JS.API.STREAM.DELETE.OBJ_x",
      "$JS.API.STREAM.PURGE.OBJ_x",
      "$JS.API.STREAM.UPDATE.KV_x",
      "$JS.API.STREAM.MSG.DELETE.KV_x",
      "$JS.API.CONSUMER.DELETE.KV_x.c",
    ])
      assert.ok(!canPublish("middleware", s), s);
  });

  itIf(
    findOnPath("nats-server") ? undefined : "nats-server not installed: config syntax checked by the parser only (apt-get install nats-server)",
    "is accepted by nats-server's config check (with the variables set as the pod sets them)",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "clusterkit-nats-"));
      const file = join(dir, "nats.conf");
      writeFileSync(file, confText.replace(/\/var\/run\/nats\//g, `${dir}/`).replace(/store_dir: \/data/, `store_dir: ${dir}/data`));
      const env = { PATH: process.env.PATH ?? "", SERVER_NAME: "nats-0", NATS_FRONTEND_PASSWORD: "kA1-_b", NATS_MIDDLEWARE_PASSWORD: "k9-x" };
      const ok = spawnSync("nats-server", ["-t", "-c", file], { env, encoding: "utf8" });
      assert.equal(ok.status, 0, ok.stderr + ok.stdout);
      // Without the Secret-provided variable the server refuses to start rather than run without auth.
      const missing = spawnSync("nats-server", ["-t", "-c", file], { env: { ...env, NATS_MIDDLEWARE_PASSWORD: undefined }, encoding: "utf8" });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr + missing.stdout, /NATS_MIDDLEWARE_PASSWORD/);
    },
  );
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
    ]);
  });

  it("gives the frontend and the middleware NATS_USER and their own password; executors get no credential at all", () => {
    for (const name of ["frontend", "middleware"]) {
      const env = find(out.all, "Deployment", name, NS).spec.template.spec.containers[0].env;
      assert.deepEqual(
        env.find((e: any) => e.name === "NATS_USER"),
        { name: "NATS_USER", value: name },
      );
      assert.deepEqual(
        env.find((e: any) => e.name === "NATS_PASSWORD"),
        { name: "NATS_PASSWORD", valueFrom: { secretKeyRef: { name: "nats-credentials", key: `${name}-password` } } },
      );
    }
    for (const o of out.all.filter((x) => x.metadata.namespace === EXEC_NS && ["PodTemplate", "DaemonSet", "Deployment"].includes(x.kind))) {
      assert.deepEqual(secretRefs(o), [], `${o.kind} ${o.metadata.name}`);
      const spec = o.kind === "PodTemplate" ? o.template.spec : o.spec.template.spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        assert.ok(!(c.env ?? []).some((e: any) => /^NATS_/.test(e.name)), `${o.metadata.name}/${c.name}`);
      assert.ok(!(spec.volumes ?? []).some((v: any) => v.secret || v.projected), `${o.metadata.name} mounts no Secret`);
    }
  });

  it("every secretKeyRef in the output names a Secret and key the deploy step creates in that namespace", () => {
    for (const env of [local, environment("ack-managed")]) {
      const specs = faasSecrets(env.config.faas);
      for (const o of synthFaas(env).all.filter((x) => ["Deployment", "StatefulSet", "PodTemplate"].includes(x.kind))) {
        for (const r of secretRefs(o)) {
          const spec = specs.find((s) => s.namespace === o.metadata.namespace && s.name === r.name);
          assert.ok(spec, `${o.kind} ${o.metadata.namespace}/${o.metadata.name} -> Secret ${r.name}`);
          assert.ok(
            spec.keys.some((k) => k.key === r.key),
            `${r.name} has key ${r.key}`,
          );
        }
      }
    }
  });

  it("asks the deploy step for one generated password per user, in the service namespace only", () => {
    const specs = faasSecrets(local.config.faas).filter((s) => s.name === "nats-credentials");
    assert.deepEqual(
      specs.map((s) => `${s.namespace}: ${s.keys.map((k) => (isGeneratedKey(k) ? `${k.key}=${k.generated}` : "INPUT")).join(",")}`),
      [`${NS}: frontend-password=nats-frontend-password,middleware-password=nats-middleware-password`],
    );
    assert.ok(!faasSecrets(local.config.faas).some((s) => s.namespace === EXEC_NS), "no Secret in the executor namespace");
  });

  it("synthesizes no Secret and no password value", () => {
    assert.deepEqual(
      out.all.filter((o) => o.kind === "Secret"),
      [],
    );
    assert.doesNotMatch(stringify(out.all), /password:\s*(?!\$NATS_[A-Z]+_PASSWORD$)\S+/m);
  });
});
