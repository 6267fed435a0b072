/**
 * Local clusters: the bootstrap token Terraform generated expires 24 h after `kubeadm init`, and
 * kube-controller-manager's token cleaner then deletes its Secret, so a worker added or replaced
 * later could never join. Before `terraform apply`, a re-deploy (re)creates that Secret from the
 * token in Terraform's state with a fresh 24 h expiration. The token travels only on kubectl's
 * standard input: never on a command line, in a log or in a file.
 */
import { BOOTSTRAP_TOKEN_GROUP, BOOTSTRAP_TOKEN_ID_PATTERN, BOOTSTRAP_TOKEN_SECRET_PATTERN } from "../contracts/bootstrap-token";
import { UserError } from "../errors";
import type { Kubectl } from "./kubectl";
import type { Reporter } from "./reporter";
import { tail } from "./runner";

const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";

/** How long a renewed token stays valid: the TTL kubeadm init gave it. */
const BOOTSTRAP_TOKEN_REFRESH_MS = 24 * 60 * 60 * 1000;

export interface BootstrapToken {
  readonly id: string;
  readonly secret: string;
}

/** RFC 3339 in UTC without fractions, the form kubeadm writes. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isToken(v: unknown): v is BootstrapToken {
  const t = v as BootstrapToken | undefined;
  return typeof t?.id === "string" && BOOTSTRAP_TOKEN_ID_PATTERN.test(t.id) && typeof t.secret === "string" && BOOTSTRAP_TOKEN_SECRET_PATTERN.test(t.secret);
}

/** The Secret kubeadm would create for the token (bootstrap-token-<id> in kube-system). */
function bootstrapTokenSecret(token: BootstrapToken, expiration: string): object {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `bootstrap-token-${token.id}`, namespace: "kube-system" },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    stringData: {
      "token-id": token.id,
      "token-secret": token.secret,
      expiration,
      "usage-bootstrap-authentication": "true",
      "usage-bootstrap-signing": "true",
      "auth-extra-groups": BOOTSTRAP_TOKEN_GROUP,
      description: "clusterkit: the Terraform-generated bootstrap token, renewed by npm run deploy",
    },
  };
}

/**
 * Returns the new expiration, or undefined when nothing was renewed (the cluster does not answer,
 * e.g. while it is still being created, or Terraform's state holds no token output).
 */
export async function renewBootstrapToken(kubectl: Kubectl, readToken: () => Promise<unknown>, nowMs: number, reporter: Reporter): Promise<string | undefined> {
  const ready = await kubectl.readyz();
  if (ready.code !== 0 || ready.stdout.trim() !== "ok") {
    reporter.info("bootstrap token renewal skipped: the cluster does not answer (expected while it is first created)");
    return undefined;
  }
  const token = await readToken();
  if (!isToken(token)) {
    reporter.warn(
      "bootstrap token renewal skipped: Terraform's state has no bootstrap_token output yet; it will after this apply, so run the same command again before adding workers",
    );
    return undefined;
  }
  const expiration = rfc3339(nowMs + BOOTSTRAP_TOKEN_REFRESH_MS);
  const r = await kubectl.applyStdin(JSON.stringify(bootstrapTokenSecret(token, expiration)));
  if (r.code !== 0) {
    const detail = tail(r.stderr || r.stdout)
      .split(token.secret)
      .join("<redacted>");
    throw new UserError("cannot renew the bootstrap token Secret in kube-system", [detail, "check the cluster and run the same command again"]);
  }
  reporter.info(`bootstrap token valid until ${expiration}, so new or replaced workers can join`);
  return expiration;
}
