/**
 * Secrets: every Secret key a manifest references (env `secretKeyRef`, `envFrom`, secret volumes) is
 * in a Secret the deploy step creates, in the same namespace, and deploy creates nothing the
 * manifests never read. Both sides are what they really produce: the synthesized manifests, and the
 * Secret objects deploy applies (src/deploy/secret-values.ts, src/deploy/local-users.ts) built from
 * the shared specs (src/contracts/secrets.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import type { Environment } from "../../src/config/schema";
import { faasSecrets } from "../../src/contracts/secrets";
import { localUsersSecret } from "../../src/deploy/local-users";
import { resolveSecrets, secretManifest, withGeneratedKeys } from "../../src/deploy/secret-values";
import type { ManifestObject } from "../support/k8s-validate";
import { manifests } from "./sides";
import { testEnvironment } from "../support/synth-charts";

/** `namespace/name/key`; a whole-Secret reference (envFrom, a volume without items) uses key `*`. */
function referencedKeys(objects: readonly ManifestObject[]): Set<string> {
  const out = new Set<string>();
  const walk = (ns: string, v: unknown): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(ns, x));
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const keyRef = o.secretKeyRef as { name: string; key: string } | undefined;
    if (keyRef) out.add(`${ns}/${keyRef.name}/${keyRef.key}`);
    const envFrom = o.secretRef as { name: string } | undefined;
    if (envFrom) out.add(`${ns}/${envFrom.name}/*`);
    const volume = o.secret as { secretName?: string; name?: string; items?: { key: string }[] } | undefined;
    if (volume && (volume.secretName ?? volume.name)) {
      const name = volume.secretName ?? volume.name;
      if (volume.items?.length) for (const i of volume.items) out.add(`${ns}/${name}/${i.key}`);
      else out.add(`${ns}/${name}/*`);
    }
    for (const child of Object.values(o)) walk(ns, child);
  };
  for (const obj of objects) if (obj.kind !== "Secret") walk(obj.metadata?.namespace ?? "", obj);
  return out;
}

/** The Secrets deploy applies for this environment, as `namespace/name/key`. */
async function deployedKeys(env: Environment, inputs: Record<string, string>): Promise<Set<string>> {
  const faas = env.config.faas;
  const { secrets, problems } = resolveSecrets(faasSecrets(faas), {}, inputs);
  assert.deepEqual(problems, []);
  const objects = (await withGeneratedKeys(secrets, async () => undefined)).map((s) => JSON.parse(secretManifest(s)));
  if (faas.enabled && faas.oauth2Proxy.signIn === "local-users") objects.push(JSON.parse(localUsersSecret(faas.namespace, "user:$2y$10$hash\n")));
  const out = new Set<string>();
  for (const s of objects as { metadata: { name: string; namespace: string }; data: Record<string, string> }[]) {
    for (const key of Object.keys(s.data)) out.add(`${s.metadata.namespace}/${s.metadata.name}/${key}`);
  }
  return out;
}

const INPUTS = { OAUTH2_PROXY_CLIENT_ID: "client", OAUTH2_PROXY_CLIENT_SECRET: "secret", OAUTH2_PROXY_COOKIE_SECRET: "0123456789abcdef0123456789abcdef" };

const VARIANTS: { label: string; env: () => Environment }[] = [
  { label: "local (local sign-in users)", env: () => testEnvironment("local") },
  { label: "ack-managed (external identity provider)", env: () => testEnvironment("ack-managed") },
];

for (const { label, env: makeEnv } of VARIANTS) {
  describe(`Secrets: charts ↔ deploy, ${label}`, () => {
    const env = makeEnv();
    const objects = manifests(env);
    const created = new Set(objects.filter((o) => o.kind === "Secret").map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));

    it("every key a manifest reads is in a Secret deploy creates, and deploy creates only keys the manifests read", async () => {
      const referenced = [...referencedKeys(objects)].filter((r) => !created.has(r.split("/").slice(0, 2).join("/")));
      const deployed = await deployedKeys(env, INPUTS);
      assert.ok(referenced.length >= 4, `the workload reads its Secrets (${referenced.join(", ")})`);
      const deployedSecrets = new Set([...deployed].map((k) => k.split("/").slice(0, 2).join("/")));
      for (const r of referenced) {
        const ok = r.endsWith("/*") ? deployedSecrets.has(r.slice(0, -2)) : deployed.has(r);
        assert.ok(ok, `a manifest reads ${r}, which deploy never creates (it creates ${[...deployed].join(", ")})`);
      }
      for (const d of deployed) {
        const [ns, name] = d.split("/");
        assert.ok(referenced.includes(d) || referenced.includes(`${ns}/${name}/*`), `deploy creates ${d}, which no manifest reads`);
      }
    });
  });
}
