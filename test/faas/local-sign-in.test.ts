/**
 * Sign-in without any external registration (local default): oauth2-proxy's htpasswd form with
 * accounts deploy generates. The chart mounts only a Secret created at deploy (bcrypt hashes) and
 * a sign-in page without the provider button; the manifests hold no password, hash or key; the
 * provider path stays intact (ACK default, and locally on request); `emailDomains: *` is refused
 * where anyone could finish a login.
 */
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { compareSync } from "bcryptjs";
import { faasSecrets, isGeneratedKey } from "../../src/contracts/secrets";
import { validateConfigs } from "../../src/config/load";
import { ensureSignInUsers, htpasswd, localUsersSecret, parseHtpasswd, readSignInUsers, VERIFY_USER } from "../../src/deploy/local-users";
import { generateSecretValue } from "../../src/deploy/secret-values";
import { scratchDir } from "../support/cli";
import { ackEnvironment, find, type K8sObject, localEnvironment, synthFaas } from "./fixtures";

const containers = (d: K8sObject): any[] => d.spec.template.spec.containers;

describe("local sign-in (oauth2-proxy htpasswd form)", () => {
  const env = localEnvironment();
  const out = synthFaas(env);
  const proxy = find(out.all, "Deployment", "oauth2-proxy");

  it("mounts the deploy-created users Secret and our sign-in page read-only", () => {
    const vols = proxy.spec.template.spec.volumes;
    assert.deepEqual(vols.find((v: any) => v.name === "local-users").secret.secretName, "oauth2-proxy-local-users");
    assert.equal(vols.find((v: any) => v.name === "templates").configMap.name, "oauth2-proxy-templates");
    const mounts = containers(proxy)[0].volumeMounts;
    assert.ok(mounts.every((m: any) => m.readOnly === true));
    const args: string[] = containers(proxy)[0].args;
    assert.ok(args.includes("--htpasswd-file=/etc/oauth2-proxy/users/htpasswd"));
    assert.ok(args.includes("--custom-templates-dir=/etc/oauth2-proxy/templates"));
    assert.deepEqual(
      args.filter((a) => a.startsWith("--email-domain")),
      ["--email-domain=clusterkit.internal"],
      "never '*' with local users",
    );
    assert.ok(args.includes("--cookie-samesite=lax"));
  });

  it("the sign-in page posts the form to oauth2-proxy and offers no provider button", () => {
    const page = find(out.all, "ConfigMap", "oauth2-proxy-templates").data["sign_in.html"] as string;
    assert.match(page, /^\{\{define "sign_in\.html"\}\}/);
    assert.match(page, /\{\{end\}\}\s*$/);
    assert.match(page, /<form method="POST" action="\{\{\.ProxyPrefix\}\}\/sign_in">/);
    assert.match(page, /name="username"/);
    assert.match(page, /name="password"/);
    assert.doesNotMatch(page, /\/start|ProviderName/);
  });

  it("the manifests carry no password, hash or key: the oauth2-proxy Secret keys are generated at deploy", () => {
    const text = JSON.stringify(out.all);
    assert.doesNotMatch(text, /\$2[aby]\$\d\d\$/, "no bcrypt hash");
    assert.ok(!out.all.some((o) => o.kind === "Secret"));
    const secret = faasSecrets(env.config.faas).find((s) => s.name === "oauth2-proxy")!;
    assert.ok(secret.keys.every(isGeneratedKey), "nothing to register or supply");
    const cookieKey = secret.keys.find((k) => k.key === "cookie-secret")!;
    assert.ok(isGeneratedKey(cookieKey));
    // oauth2-proxy decodes URL-safe base64 to an AES key of 16, 24 or 32 bytes.
    const cookie = generateSecretValue(cookieKey);
    assert.equal(Buffer.from(cookie, "base64url").length, 32);
    assert.equal(Buffer.from(cookie, "base64url").toString("base64url"), cookie);
  });

  it("ACK keeps the provider: no htpasswd, no custom page, the user's client id and secret", () => {
    const ack = synthFaas(ackEnvironment("ack-managed"));
    const args: string[] = containers(find(ack.all, "Deployment", "oauth2-proxy"))[0].args;
    assert.ok(!args.some((a) => a.startsWith("--htpasswd-file") || a.startsWith("--custom-templates-dir")));
    assert.ok(!ack.all.some((o) => o.kind === "ConfigMap" && o.metadata.name === "oauth2-proxy-templates"));
    const secret = faasSecrets(ackEnvironment("ack-managed").config.faas).find((s) => s.name === "oauth2-proxy")!;
    assert.ok(secret.keys.every((k) => !isGeneratedKey(k)));
  });
});

describe("emailDomains '*'", () => {
  const problems = (override: Record<string, unknown>) => validateConfigs({ local: override }).problems.map((p) => `${p.path}: ${p.message}`);
  it("is refused with a provider whose redirect URL other machines can reach", () => {
    const p = problems({ faas: { oauth2Proxy: { signIn: "provider", redirectUrl: "http://192.168.60.201/oauth2/callback" } } });
    assert.ok(
      p.some((x) => x.startsWith("local.faas.oauth2Proxy.emailDomains:")),
      p.join("\n"),
    );
  });
  it("is accepted on a loopback redirect URL, and irrelevant with local users", () => {
    assert.deepEqual(problems({ faas: { oauth2Proxy: { signIn: "provider" } } }), []);
    assert.deepEqual(problems({ faas: { oauth2Proxy: { redirectUrl: "http://192.168.60.201/oauth2/callback" } } }), []);
  });
});

describe("deploy's sign-in accounts", () => {
  const faas = localEnvironment().config.faas;

  it("generates one password per configured name plus the verify account, owner-only, and keeps them", () => {
    const file = join(scratchDir(), "state", "local", "sign-in-users.json");
    let n = 0;
    const first = ensureSignInUsers(file, faas, () => `pw-${++n}`);
    assert.deepEqual(
      first.users.map((u) => u.email),
      ["alice@clusterkit.internal", "bob@clusterkit.internal", `${VERIFY_USER}@clusterkit.internal`],
    );
    assert.equal(first.created.length, 3);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = ensureSignInUsers(file, faas, () => "never-used");
    assert.deepEqual(again.created, []);
    assert.deepEqual(again.users, first.users);
    const more = ensureSignInUsers(
      file,
      { ...faas, oauth2Proxy: { ...faas.oauth2Proxy, localUsers: { ...faas.oauth2Proxy.localUsers, names: ["alice", "carol"] } } },
      () => "pw-carol",
    );
    assert.deepEqual(
      more.created.map((u) => u.email),
      ["carol@clusterkit.internal"],
    );
    assert.ok(!readSignInUsers(file).some((u) => u.email.startsWith("bob@")), "removed names are dropped");
  });

  it("gives the cluster bcrypt hashes only, and keeps a hash that still matches", () => {
    const users = [{ email: "alice@clusterkit.internal", password: "s3cret-alice-password" }];
    const file = htpasswd(users);
    const hashes = parseHtpasswd(file);
    // Deploy's cost unless told otherwise (tests of the whole deploy lower it to bcrypt's minimum, 4).
    assert.match(hashes["alice@clusterkit.internal"]!, /^\$2[aby]\$10\$/);
    assert.ok(compareSync("s3cret-alice-password", hashes["alice@clusterkit.internal"]!));
    assert.ok(!file.includes("s3cret-alice-password"));
    assert.equal(htpasswd(users, hashes), file, "same hash on a re-run");
    assert.notEqual(htpasswd([{ ...users[0]!, password: "changed-password" }], hashes), file);
    const secret = localUsersSecret("faas", file);
    assert.ok(!secret.includes("s3cret-alice-password"));
    assert.equal(JSON.parse(secret).metadata.name, "oauth2-proxy-local-users");
  });
});
