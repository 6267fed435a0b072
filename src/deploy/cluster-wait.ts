/** Waiting for the cluster Terraform created: API server answering, then nodes registered or Ready. */
import type { Kubectl } from "./kubectl";
import type { Reporter } from "./reporter";
import { type Clock, done, notYet, type RetryPolicy, waitUntil } from "./retry";

export async function waitForApi(kubectl: Kubectl, policy: RetryPolicy, clock: Clock, reporter: Reporter): Promise<void> {
  await waitUntil(
    "the Kubernetes API server (kubectl get --raw /readyz)",
    policy,
    async () => {
      const r = await kubectl.readyz();
      return r.code === 0 && r.stdout.trim() === "ok" ? done(undefined) : notYet((r.stderr || r.stdout).trim().split("\n")[0] || `exit ${r.code}`);
    },
    {
      clock,
      onProgress: (s, _n, ms) => reporter.progress(`API server not ready yet (${Math.round(ms / 1000)}s): ${s}`),
      hint: `kubeconfig: ${kubectl.kubeconfig}`,
    },
  );
  reporter.info("API server is ready");
}

/**
 * Waits until `expected` nodes exist (`ready: false`) or are Ready. Locally nodes stay NotReady
 * until we apply the CNI, so the first wait only counts registrations.
 */
export async function waitForNodes(kubectl: Kubectl, expected: number, ready: boolean, policy: RetryPolicy, clock: Clock, reporter: Reporter): Promise<void> {
  const what = ready ? "Ready" : "registered";
  let lastShown = "";
  await waitUntil(
    `${expected} nodes ${what}`,
    policy,
    async () => {
      const { nodes, error } = await kubectl.nodes();
      const count = ready ? nodes.filter((n) => n.ready).length : nodes.length;
      const status = error
        ? `cannot list nodes: ${error.split("\n")[0]}`
        : `nodes ${what} ${count}/${expected}${nodes.length ? ` (${nodes.map((n) => `${n.name}${n.ready ? " Ready" : " NotReady"}`).join(", ")})` : ""}`;
      if (!error && count >= expected) {
        reporter.info(status);
        return done(undefined);
      }
      return notYet(status);
    },
    {
      clock,
      onProgress: (s) => {
        if (s !== lastShown) reporter.progress(s);
        lastShown = s;
      },
      hint: ready
        ? "a node stays NotReady while its CNI pods are not running: check `kubectl get pods -A -o wide` and `kubectl describe node <name>`"
        : undefined,
    },
  );
}
