/**
 * Check 3: the web app's HPA scales up under the project's load generator and back down after the
 * cooldown, within bounds, reporting every replica count it saw.
 */
import { WEB_APP_NAME } from "../../contracts/platform";
import { webAddress } from "../addresses";
import { type CheckSpec, fail, pass, skip, type VerifyContext } from "../types";

interface HpaObject {
  spec?: { minReplicas?: number; maxReplicas?: number };
  status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] };
}

async function replicas(ctx: VerifyContext, namespace: string): Promise<{ current: number; cpu?: number } | undefined> {
  const hpa = await ctx.kubectl.getJson<HpaObject>(["hpa", WEB_APP_NAME, "-n", namespace]);
  if (!hpa) return undefined;
  return { current: hpa.status?.currentReplicas ?? 0, cpu: hpa.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization };
}

export const hpaCheck: CheckSpec = {
  id: "hpa",
  title: "HPA scales the web app up under load and back down",
  explains:
    "Runs the project's load generator (scripts/loadgen.ts) against the web app's external address for a bounded time while polling the HorizontalPodAutoscaler; passes when the replica count rises above minReplicas during the load and returns to minReplicas after the cooldown (the HPA's 5-minute scale-down window), all within fixed limits. Reports the replica counts and CPU utilisation seen.",
  async run(ctx) {
    const web = ctx.environment.config.webApp;
    if (!web.enabled) return skip("webApp.enabled is false");
    const addr = await webAddress(ctx);
    if ("problem" in addr) return fail(addr.problem);
    const p = ctx.policies.hpa;
    const min = web.hpa.minReplicas;
    const seen: number[] = [];
    const note = (n: number) => {
      if (seen[seen.length - 1] !== n) seen.push(n);
    };
    const start = await replicas(ctx, web.namespace);
    if (!start) return fail(`HorizontalPodAutoscaler ${web.namespace}/${WEB_APP_NAME} not found`);
    note(start.current);

    ctx.reporter.progress(`load: ${p.concurrency} concurrent requests for up to ${p.loadSeconds}s against ${addr.url}`);
    let loadDone = false;
    const load = ctx
      .load(new URL(addr.url), { durationSeconds: p.loadSeconds, concurrency: p.concurrency, requests: 200_000 })
      .finally(() => (loadDone = true));
    load.catch(() => undefined);
    const began = ctx.clock.now();
    let peak = start.current;
    while (ctx.clock.now() - began < p.scaleUpMs) {
      const r = await replicas(ctx, web.namespace);
      if (r) {
        note(r.current);
        peak = Math.max(peak, r.current);
        ctx.reporter.progress(`HPA ${web.namespace}/${WEB_APP_NAME}: ${r.current} replicas, CPU ${r.cpu ?? "?"}% (target ${web.hpa.cpuUtilization}%)`);
      }
      if (peak > min || loadDone) break;
      await ctx.clock.sleep(p.pollMs);
    }
    let summary;
    try {
      summary = await load;
    } catch (err) {
      return fail(`the load generator failed: ${(err as Error).message}`, [], { replicas: seen });
    }
    const loadLine = `load: ${summary.requests} requests, ${summary.errors} errors, ${Object.keys(summary.pods).length} pods served`;
    if (peak <= min)
      return fail(
        `the HPA never scaled up: replicas stayed at ${seen.join(" -> ")} under load (minReplicas ${min}, target ${web.hpa.cpuUtilization}% CPU)`,
        [loadLine, "check metrics-server (`kubectl top pods`) and the HPA's events (`kubectl describe hpa`)"],
        { replicas: seen, peak },
      );

    const downFrom = ctx.clock.now();
    let last = peak;
    while (ctx.clock.now() - downFrom < p.scaleDownMs) {
      const r = await replicas(ctx, web.namespace);
      if (r) {
        note(r.current);
        last = r.current;
        peak = Math.max(peak, r.current);
        if (r.current <= min) break;
        ctx.reporter.progress(`waiting for the scale-down: ${r.current} replicas (cooldown)`);
      }
      await ctx.clock.sleep(p.pollMs);
    }
    const data = { replicas: seen, peak, minReplicas: min, maxReplicas: web.hpa.maxReplicas };
    if (last > min)
      return fail(
        `scaled up to ${peak} but did not return to ${min} within ${Math.round(p.scaleDownMs / 1000)}s (replicas seen ${seen.join(" -> ")})`,
        [loadLine],
        data,
      );
    return pass(`replicas ${seen.join(" -> ")} (up to ${peak} under load, back to ${min})`, [loadLine], data);
  },
};
