/**
 * Local clusters: the Terraform bootstrap token expires 24 h after `kubeadm init`, and a worker
 * added or replaced later could never join. Before `terraform apply`, a re-deploy moves the
 * `expiration` of every bootstrap token Secret to 24 h from now. Only Secret names are read and
 * only the expiration is written: the token value never leaves the cluster.
 */
import { UserError } from "../errors";
import type { Kubectl } from "./kubectl";
import type { Reporter } from "./reporter";
import { tail } from "./runner";

export const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";

/** How long a refreshed token stays valid: the TTL kubeadm init gave it. */
export const BOOTSTRAP_TOKEN_REFRESH_MS = 24 * 60 * 60 * 1000;

/** RFC 3339 in UTC without fractions, the form kubeadm writes. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Returns the new expiration, or undefined when nothing was refreshed (the cluster does not answer,
 * e.g. on the first deploy, or it holds no bootstrap token).
 */
export async function refreshBootstrapTokens(kubectl: Kubectl, nowMs: number, reporter: Reporter): Promise<string | undefined> {
  const ready = await kubectl.readyz();
  if (ready.code !== 0 || ready.stdout.trim() !== "ok") {
    reporter.info("bootstrap token refresh skipped: the cluster does not answer (expected on the first deploy)");
    return undefined;
  }
  const list = await kubectl.run(["-n", "kube-system", "get", "secrets", "--field-selector", `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}`, "-o", "name", "--request-timeout=20s"]);
  if (list.code !== 0) throw new UserError("cannot list the bootstrap token Secrets in kube-system", [tail(list.stderr || list.stdout), "check the cluster and run the same command again"]);
  const names = list.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  if (names.length === 0) {
    reporter.warn(
      "no bootstrap token Secret in kube-system: it expired and kube-controller-manager's token cleaner deleted it, so new or replaced workers cannot join; " +
        "re-create it on the control plane with `sudo /usr/local/sbin/clusterkit-bootstrap-token.sh` (docs/local.md), then run the same command again",
    );
    return undefined;
  }
  const expiration = rfc3339(nowMs + BOOTSTRAP_TOKEN_REFRESH_MS);
  const patch = JSON.stringify({ data: { expiration: Buffer.from(expiration).toString("base64") } });
  for (const name of names) {
    const r = await kubectl.run(["-n", "kube-system", "patch", name, "--type", "merge", "-p", patch, "--request-timeout=20s"]);
    if (r.code !== 0) throw new UserError(`cannot refresh the bootstrap token ${name}`, [tail(r.stderr || r.stdout), "run the same command again"]);
  }
  reporter.info(`bootstrap token${names.length > 1 ? "s" : ""} valid until ${expiration}, so new or replaced workers can join`);
  return expiration;
}
