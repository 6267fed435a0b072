/**
 * Load generator for watching the web app's HorizontalPodAutoscaler work.
 *
 *   npx tsx scripts/loadgen.ts <url> [--requests N] [--concurrency C] [--duration S] [--timeout S]
 *   npm run loadgen -- http://192.168.60.200/ --requests 20000 --concurrency 20 --duration 300
 *
 * It stops by itself when N requests are done or S seconds have passed, whichever comes first,
 * and prints a summary: requests, errors, status counts, latency p50/p95/max and the distinct pods
 * that served the page (from the `X-Served-By` header the demo page sets, or its `pod-name` span).
 * Every request opens a new connection, so kube-proxy spreads them over the pods as new clients would.
 */
import http from "node:http";
import https from "node:https";
import { SERVED_BY_HEADER } from "../src/contracts/platform";

const DEFAULTS = { requests: 2000, concurrency: 10, durationSeconds: 120, timeoutSeconds: 10 } as const;
/** Hard upper bounds: this is a demo tool, not a stress tester. */
export const MAXIMA = { requests: 200_000, concurrency: 200, durationSeconds: 1800, timeoutSeconds: 60 } as const;

export interface LoadOptions {
  readonly url: URL;
  /** Total requests to send; @default DEFAULTS.requests */
  readonly requests: number;
  /** Requests in flight at once; @default DEFAULTS.concurrency */
  readonly concurrency: number;
  /** Wall-clock bound in seconds; @default DEFAULTS.durationSeconds */
  readonly durationSeconds: number;
  /** Per-request timeout in seconds; @default DEFAULTS.timeoutSeconds */
  readonly timeoutSeconds: number;
  /** Print the summary as one JSON line (the runtime benchmark reads it); @default false */
  readonly json?: boolean;
}

export interface LoadSummary {
  readonly requests: number;
  /** Requests that got no HTTP response (connection refused, reset, timeout). */
  readonly errors: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly errorCounts: Readonly<Record<string, number>>;
  /** Milliseconds, over requests that got a response. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly max: number } | undefined;
  /** Requests per serving pod, when the page names it. */
  readonly pods: Readonly<Record<string, number>>;
  readonly elapsedSeconds: number;
  /** Why it stopped. */
  readonly stoppedBy: "requests" | "duration";
}

export class UsageError extends Error {}

const USAGE = `usage: loadgen <url> [--requests N] [--concurrency C] [--duration S] [--timeout S]
  --requests N     total requests (default ${DEFAULTS.requests}, max ${MAXIMA.requests})
  --concurrency C  requests in flight (default ${DEFAULTS.concurrency}, max ${MAXIMA.concurrency})
  --duration S     stop after S seconds (default ${DEFAULTS.durationSeconds}, max ${MAXIMA.durationSeconds})
  --timeout S      per-request timeout (default ${DEFAULTS.timeoutSeconds}, max ${MAXIMA.timeoutSeconds})
  --json           print only the summary, as one JSON line`;

function bounded(flag: string, text: string | undefined, max: number): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new UsageError(`${flag} needs a positive whole number, got ${text === undefined ? "nothing" : `'${text}'`}`);
  const n = Number(text);
  if (n < 1 || n > max) throw new UsageError(`${flag} must be between 1 and ${max}, got ${n}`);
  return n;
}

export function parseArgs(argv: readonly string[]): LoadOptions {
  let url: URL | undefined;
  let json = false;
  const values: { requests: number; concurrency: number; durationSeconds: number; timeoutSeconds: number } = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const next = () => inline ?? argv[++i];
    switch (flag) {
      case "--requests":
        values.requests = bounded(flag, next(), MAXIMA.requests);
        break;
      case "--concurrency":
        values.concurrency = bounded(flag, next(), MAXIMA.concurrency);
        break;
      case "--duration":
        values.durationSeconds = bounded(flag, next(), MAXIMA.durationSeconds);
        break;
      case "--timeout":
        values.timeoutSeconds = bounded(flag, next(), MAXIMA.timeoutSeconds);
        break;
      case "--json":
        json = true;
        break;
      case "-h":
      case "--help":
        throw new UsageError("");
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
        if (url) throw new UsageError(`only one URL, got '${url.href}' and '${arg}'`);
        try {
          url = new URL(arg);
        } catch {
          throw new UsageError(`'${arg}' is not a URL (e.g. http://192.168.60.200/)`);
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`'${arg}' must be an http:// or https:// URL`);
    }
  }
  if (!url) throw new UsageError("the URL to load is required");
  return { url, ...values, concurrency: Math.min(values.concurrency, values.requests), json };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const POD_IN_BODY = /id="pod-name">([^<]{1,253})</;

interface Outcome {
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
  readonly pod?: string;
}

function once(url: URL, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = client.request(url, { method: "GET", agent: false, headers: { "user-agent": "clusterkit-loadgen", connection: "close" } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        // Only the start of the page is needed to find the pod name.
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on("end", () => {
        const header = res.headers[SERVED_BY_HEADER.toLowerCase()];
        const pod = (Array.isArray(header) ? header[0] : header) ?? POD_IN_BODY.exec(Buffer.concat(chunks).toString("utf8"))?.[1];
        resolve({ status: res.statusCode, ms: performance.now() - started, pod: pod?.trim() || undefined });
      });
      res.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, ms: performance.now() - started }));
    });
    // A hard bound on the whole exchange (not just idle time), so the run ends on schedule.
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, ms: performance.now() - started }));
    req.end();
  });
}

/** Runs the load and resolves with the summary; never sends more than `requests` or runs past `durationSeconds`. */
export async function runLoad(options: LoadOptions, onProgress?: (done: number) => void): Promise<LoadSummary> {
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const errorCounts: Record<string, number> = {};
  const pods: Record<string, number> = {};
  let issued = 0;
  let done = 0;
  let errors = 0;
  let stoppedBy: LoadSummary["stoppedBy"] = "requests";

  const worker = async () => {
    while (issued < options.requests) {
      if (performance.now() >= deadline) {
        stoppedBy = "duration";
        return;
      }
      issued++;
      const remainingMs = Math.max(1, deadline - performance.now());
      const outcome = await once(options.url, Math.min(options.timeoutSeconds * 1000, remainingMs));
      done++;
      if (outcome.status !== undefined) {
        latencies.push(outcome.ms);
        statusCounts[outcome.status] = (statusCounts[outcome.status] ?? 0) + 1;
        if (outcome.pod) pods[outcome.pod] = (pods[outcome.pod] ?? 0) + 1;
      } else {
        errors++;
        const key = outcome.error ?? "error";
        errorCounts[key] = (errorCounts[key] ?? 0) + 1;
      }
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    requests: done,
    errors,
    statusCounts,
    errorCounts,
    latency: latencies.length ? { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1)! } : undefined,
    pods,
    elapsedSeconds: (performance.now() - started) / 1000,
    stoppedBy,
  };
}

export function formatSummary(s: LoadSummary): string {
  const counts = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(" ") || "none";
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const podNames = Object.keys(s.pods).sort();
  return [
    `requests:  ${s.requests} in ${s.elapsedSeconds.toFixed(1)} s (${(s.requests / Math.max(s.elapsedSeconds, 0.001)).toFixed(1)}/s), stopped by ${s.stoppedBy} limit`,
    `errors:    ${s.errors}${s.errors ? ` (${counts(s.errorCounts)})` : ""}`,
    `status:    ${counts(s.statusCounts)}`,
    `latency:   ${s.latency ? `p50 ${ms(s.latency.p50)}, p95 ${ms(s.latency.p95)}, max ${ms(s.latency.max)}` : "n/a (no responses)"}`,
    `pods:      ${podNames.length}${podNames.length ? ` (${podNames.map((p) => `${p}=${s.pods[p]}`).join(" ")})` : " (the page did not name its pod)"}`,
  ].join("\n");
}

async function main(): Promise<number> {
  let options: LoadOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`loadgen: ${err.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  if (options.json) {
    const summary = await runLoad(options);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.requests > 0 && summary.errors === summary.requests ? 1 : 0;
  }
  process.stdout.write(
    `loadgen: ${options.url.href}: up to ${options.requests} requests, ${options.concurrency} at a time, for at most ${options.durationSeconds} s\n`,
  );
  const step = Math.max(1, Math.floor(options.requests / 10));
  const summary = await runLoad(options, (done) => {
    if (done % step === 0) process.stdout.write(`  ${done} done\n`);
  });
  process.stdout.write(`${formatSummary(summary)}\n`);
  // Failure only when nothing answered at all (wrong URL, no route): partial errors are data.
  return summary.requests > 0 && summary.errors === summary.requests ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`loadgen: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
