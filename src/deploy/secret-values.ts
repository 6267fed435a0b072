/**
 * The workload Secrets (`faasSecrets`): input values come from `--secrets-file` or the environment
 * (the file wins), are checked against each key's rule before anything is created, and are turned
 * into Secret objects that travel to kubectl on stdin only. Generated values (internal passwords)
 * are filled in at apply time: kept from the cluster when a Secret already holds them, else
 * generated once per value id (one value may live in several namespaces' Secrets).
 */
import { randomBytes } from "node:crypto";
import { type GeneratedKeySpec, isGeneratedKey, type SecretSpec } from "../contracts/secrets";
import { UserError } from "../errors";
import type { Kubectl } from "./kubectl";
import { describeUnparsed, parseKubectlJson, secretSchema } from "./kubectl-json";

export interface ResolvedSecret {
  readonly spec: SecretSpec;
  /** Value per key inside the Secret. */
  readonly data: Readonly<Record<string, string>>;
}

export interface SecretResolution {
  readonly secrets: ResolvedSecret[];
  /** One line per missing or invalid value; never contains a value. */
  readonly problems: string[];
}

export function resolveSecrets(
  specs: readonly SecretSpec[],
  env: NodeJS.ProcessEnv,
  file: Readonly<Record<string, string>> = {},
  fileName?: string,
): SecretResolution {
  const secrets: ResolvedSecret[] = [];
  const problems: string[] = [];
  const where = fileName ? `set it in the environment or in ${fileName}` : "set it in the environment or in a file passed with --secrets-file";
  for (const spec of specs) {
    const data: Record<string, string> = {};
    for (const key of spec.keys) {
      if (isGeneratedKey(key)) continue; // filled in at apply time (withGeneratedKeys)
      const value = file[key.envVar] ?? env[key.envVar];
      const target = `Secret ${spec.namespace}/${spec.name} key ${key.key}`;
      if (value === undefined || value === "") {
        problems.push(`${key.envVar} is not set (${target}: ${key.rule}); ${where}`);
        continue;
      }
      const bad = key.check?.(value);
      if (bad) {
        problems.push(`${key.envVar} (${target}) ${bad}`);
        continue;
      }
      data[key.key] = value;
    }
    secrets.push({ spec, data });
  }
  return { secrets, problems };
}

/** The Secret as JSON for `kubectl apply -f -` (values base64-encoded, as the API stores them). */
export function secretManifest(secret: ResolvedSecret): string {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data)) data[k] = Buffer.from(v, "utf8").toString("base64");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secret.spec.name, namespace: secret.spec.namespace, labels: { "app.kubernetes.io/managed-by": "clusterkit-deploy" } },
    type: "Opaque",
    data,
  });
}

/**
 * A fresh generated value: 32 random bytes, base64url. NATS parses an environment variable's value
 * as config, so the value must read as a plain string: it starts with a letter (a leading digit or
 * `-` could be taken for a number).
 */
export function generateSecretValue(key?: Pick<GeneratedKeySpec, "format">): string {
  // A cookie secret must decode to exactly 32 bytes: no prefix.
  if (key?.format === "cookie-secret") return randomBytes(32).toString("base64url");
  return `k${randomBytes(32).toString("base64url")}`;
}

/** Reads a Secret's decoded data from the cluster; undefined when it does not exist. */
export type SecretReader = (namespace: string, name: string) => Promise<Readonly<Record<string, string>> | undefined>;

/** `kubectl get secret -o json` through the runner (a NotFound is "no Secret yet"; any other failure stops). */
export function kubectlSecretReader(kubectl: Kubectl): SecretReader {
  return async (namespace, name) => {
    const r = await kubectl.run(["-n", namespace, "get", "secret", name, "-o", "json", "--ignore-not-found", "--request-timeout=20s"]);
    if (r.code !== 0) {
      // Generating a new value here would silently replace a password that pods already use.
      throw new UserError(`reading Secret ${namespace}/${name} failed (exit ${r.code})`, [
        r.stderr.trim() || r.stdout.trim(),
        "fix the cause and run the same command again",
      ]);
    }
    if (!r.stdout.trim()) return undefined;
    const secret = parseKubectlJson(r.stdout, secretSchema);
    // Never echo this output: it is a Secret. Carrying on would generate new passwords pods do not know.
    if (!secret)
      throw new UserError(`reading Secret ${namespace}/${name} gave ${describeUnparsed(r.stdout)}`, [
        "check kubectl and the cluster, then run the same command again",
      ]);
    const data = secret.data ?? {};
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
  };
}

/**
 * Fills every generated key. A value id found in any Secret already (first in spec order) is kept
 * and written to every Secret that holds that id, so re-runs never rotate a password and a
 * Secret lost in one namespace is repaired from the other; an id found nowhere is generated once.
 */
export async function withGeneratedKeys(
  secrets: readonly ResolvedSecret[],
  read: SecretReader,
  generate: (key: GeneratedKeySpec) => string = generateSecretValue,
): Promise<ResolvedSecret[]> {
  const existing = new Map<string, Readonly<Record<string, string>>>();
  const values = new Map<string, string>();
  for (const { spec } of secrets) {
    const generated = spec.keys.filter(isGeneratedKey);
    if (!generated.length) continue;
    const id = `${spec.namespace}/${spec.name}`;
    if (!existing.has(id)) existing.set(id, (await read(spec.namespace, spec.name)) ?? {});
    for (const key of generated) {
      const current = existing.get(id)![key.key];
      if (current && !values.has(key.generated)) values.set(key.generated, current);
    }
  }
  return secrets.map((secret) => {
    const data: Record<string, string> = { ...secret.data };
    for (const key of secret.spec.keys.filter(isGeneratedKey)) {
      if (!values.has(key.generated)) values.set(key.generated, generate(key));
      data[key.key] = values.get(key.generated)!;
    }
    return { spec: secret.spec, data };
  });
}
