/** Check 4: a deleted web pod is replaced and the Service keeps answering meanwhile. */
import { WEB_APP_NAME } from "../../contracts/platform";
import { webAddress } from "../addresses";
import { type CheckSpec, fail, pass, skip } from "../types";

interface PodList {
  items?: { metadata?: { name?: string; deletionTimestamp?: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } }[];
}

const readyPods = (list: PodList | undefined) =>
  (list?.items ?? [])
    .filter(
      (p) => !p.metadata?.deletionTimestamp && p.status?.phase === "Running" && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    )
    .map((p) => p.metadata?.name ?? "?");

export const replaceCheck: CheckSpec = {
  id: "replace",
  title: "a deleted web pod is replaced, the Service keeps answering",
  explains:
    "Deletes one Ready web pod, then requests the external address continuously until the Deployment is back to as many Ready pods as before, with a new pod in place of the deleted one. Passes when that happens within the limit and at most a couple of requests failed while the endpoint was removed.",
  async run(ctx) {
    const web = ctx.environment.config.webApp;
    if (!web.enabled) return skip("webApp.enabled is false");
    const addr = await webAddress(ctx);
    if ("problem" in addr) return fail(addr.problem);
    const selector = `app.kubernetes.io/name=${WEB_APP_NAME}`;
    const before = readyPods(await ctx.kubectl.getJson<PodList>(["pods", "-n", web.namespace, "-l", selector]));
    if (before.length === 0) return fail("no Ready web pod to delete");
    const victim = before[0]!;
    const del = await ctx.kubectl.run(["delete", "pod", victim, "-n", web.namespace, "--wait=false"]);
    if (del.code !== 0) return fail(`deleting pod ${victim} failed: ${(del.stderr || del.stdout).trim().split("\n")[0]}`);
    ctx.reporter.progress(`deleted pod ${web.namespace}/${victim}; requesting ${addr.url} until it is replaced`);
    const p = ctx.policies.replace;
    const began = ctx.clock.now();
    let ok = 0;
    const failures: string[] = [];
    let lastOk = false;
    let now: string[] = before;
    for (;;) {
      try {
        const res = await ctx.http({ method: "GET", url: addr.url, timeoutMs: 5_000 });
        lastOk = res.status === 200;
        if (lastOk) ok++;
        else failures.push(`HTTP ${res.status}`);
      } catch (err) {
        lastOk = false;
        failures.push((err as Error).message);
      }
      now = readyPods(await ctx.kubectl.getJson<PodList>(["pods", "-n", web.namespace, "-l", selector]));
      const replaced = !now.includes(victim) && now.length >= before.length;
      if (replaced && lastOk) break;
      if (ctx.clock.now() - began >= p.timeoutMs) {
        return fail(
          `pod ${victim} was not replaced within ${Math.round(p.timeoutMs / 1000)}s: Ready pods ${now.join(", ") || "none"} (before: ${before.length})`,
          [`${ok} requests answered, ${failures.length} failed`],
          { victim, before, after: now },
        );
      }
      await ctx.clock.sleep(p.pollMs);
    }
    const replacement = now.filter((n) => !before.includes(n));
    const data = { victim, replacement, answered: ok, failed: failures.length };
    if (failures.length > p.maxFailedRequests)
      return fail(
        `pod ${victim} was replaced by ${replacement.join(", ")}, but ${failures.length} requests failed meanwhile (allowed ${p.maxFailedRequests})`,
        [[...new Set(failures)].slice(0, 3).join("; ")],
        data,
      );
    return pass(
      `pod ${victim} replaced by ${replacement.join(", ") || "a new pod"}; ${ok} requests answered, ${failures.length} failed while it was replaced`,
      [],
      data,
    );
  },
};
