/**
 * The workload Secrets (`faasSecrets`): values come from `--secrets-file` or the environment
 * (the file wins), are checked against each key's rule before anything is created, and are turned
 * into Secret objects that travel to kubectl on stdin only.
 */
import type { SecretSpec } from "../../charts/faas/secrets";

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

export function resolveSecrets(specs: readonly SecretSpec[], env: NodeJS.ProcessEnv, file: Readonly<Record<string, string>> = {}, fileName?: string): SecretResolution {
  const secrets: ResolvedSecret[] = [];
  const problems: string[] = [];
  const where = fileName ? `set it in the environment or in ${fileName}` : "set it in the environment or in a file passed with --secrets-file";
  for (const spec of specs) {
    const data: Record<string, string> = {};
    for (const key of spec.keys) {
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
