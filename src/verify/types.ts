/** What `npm run verify` checks and reports, and what every check is given to do it. */
import type { Environment } from "../config/schema";
import type { Kubectl } from "../deploy/kubectl";
import type { Reporter } from "../deploy/reporter";
import type { Clock } from "../deploy/retry";
import type { LoadSummary } from "../../scripts/loadgen";

export const CHECK_IDS = ["cluster", "web", "hpa", "replace", "jobs", "isolation"] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckOutcome {
  readonly status: CheckStatus;
  /** One line: what was seen (or why it failed or was skipped). */
  readonly summary: string;
  /** Further lines: measurements, each problem. */
  readonly details?: readonly string[];
  /** Machine-readable measurements for --json (replica counts, pods seen, job ids). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface CheckResult extends CheckOutcome {
  readonly id: CheckId;
  readonly title: string;
  readonly durationMs: number;
}

export interface HttpRequest {
  readonly method: "GET" | "POST" | "HEAD";
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** One HTTP exchange, new connection each time, redirects NOT followed. */
export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

/** The project's load generator (scripts/loadgen.ts), injectable. */
export type LoadRunner = (
  url: URL,
  opts: { readonly durationSeconds: number; readonly concurrency: number; readonly requests: number },
) => Promise<LoadSummary>;

export interface VerifyPolicies {
  /** Requests to the web app's external address (check 2). */
  readonly webRequests: number;
  /** HPA check: load duration, concurrency, polling, and the bounds on scaling up and back down. */
  readonly hpa: {
    readonly loadSeconds: number;
    readonly concurrency: number;
    readonly pollMs: number;
    readonly scaleUpMs: number;
    readonly scaleDownMs: number;
  };
  /** Pod replacement check. */
  readonly replace: { readonly pollMs: number; readonly timeoutMs: number; readonly maxFailedRequests: number };
  /** Job check: polling until each job's final state. */
  readonly jobs: { readonly pollMs: number; readonly timeoutMs: number };
  /** Throwaway probe pods: waiting for them to run and finish. */
  readonly probe: { readonly pollMs: number; readonly timeoutMs: number };
}

export const DEFAULT_VERIFY_POLICIES: VerifyPolicies = {
  webRequests: 30,
  hpa: { loadSeconds: 180, concurrency: 20, pollMs: 10_000, scaleUpMs: 300_000, scaleDownMs: 540_000 },
  replace: { pollMs: 2_000, timeoutMs: 180_000, maxFailedRequests: 2 },
  jobs: { pollMs: 3_000, timeoutMs: 300_000 },
  probe: { pollMs: 2_000, timeoutMs: 180_000 },
};

export interface VerifyContext {
  readonly environment: Environment;
  readonly kubectl: Kubectl;
  readonly http: HttpClient;
  readonly load: LoadRunner;
  readonly clock: Clock;
  readonly reporter: Reporter;
  readonly policies: VerifyPolicies;
  /** state/<env>/sign-in-users.json (local users' passwords; the verify account signs in). */
  readonly signInUsersFile: string;
  /** Random token for probe files and job output. @default 12 random hex characters */
  readonly token: () => string;
}

export interface CheckSpec {
  readonly id: CheckId;
  readonly title: string;
  /** What it proves and how (shown by --help). */
  readonly explains: string;
  run(ctx: VerifyContext): Promise<CheckOutcome>;
}

export const pass = (summary: string, details: readonly string[] = [], data?: Record<string, unknown>): CheckOutcome => ({
  status: "pass",
  summary,
  details,
  data,
});
export const fail = (summary: string, details: readonly string[] = [], data?: Record<string, unknown>): CheckOutcome => ({
  status: "fail",
  summary,
  details,
  data,
});
export const skip = (summary: string, details: readonly string[] = []): CheckOutcome => ({ status: "skip", summary, details });
