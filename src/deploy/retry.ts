/**
 * Bounded waiting: every wait in the deploy step has a maximum number of attempts AND a time
 * limit, and when it gives up it says what it was waiting for and what it saw last.
 */
import { UserError } from "../errors";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface RetryPolicy {
  /** Maximum attempts (the first one included). */
  readonly attempts: number;
  /** Pause between attempts. */
  readonly intervalMs: number;
  /** No new attempt starts after this much time has passed. */
  readonly timeoutMs: number;
}

/** One attempt's verdict: finished, or not yet (with what it saw, for progress and the final error). */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly status: string };

export const notYet = (status: string): Attempt<never> => ({ done: false, status });
export const done = <T>(value: T): Attempt<T> => ({ done: true, value });

export interface RetryOptions {
  readonly clock: Clock;
  /** Called after each unsuccessful attempt. */
  readonly onProgress?: (status: string, attempt: number, elapsedMs: number) => void;
  /** What to tell the user to check when it gives up. */
  readonly hint?: string;
}

/** Runs `attempt` until it is done or the policy is exhausted; then throws a UserError naming `what`. */
export async function waitUntil<T>(what: string, policy: RetryPolicy, attempt: (n: number) => Promise<Attempt<T>>, opts: RetryOptions): Promise<T> {
  const start = opts.clock.now();
  let last = "no attempt made";
  for (let n = 1; n <= policy.attempts; n++) {
    const result = await attempt(n);
    if (result.done) return result.value;
    last = result.status;
    const elapsed = opts.clock.now() - start;
    opts.onProgress?.(last, n, elapsed);
    if (n === policy.attempts || elapsed + policy.intervalMs > policy.timeoutMs) {
      const secs = Math.round((opts.clock.now() - start) / 1000);
      throw new UserError(
        `gave up waiting for ${what} after ${n} attempt${n === 1 ? "" : "s"} in ${secs}s (limit ${policy.attempts} attempts / ${Math.round(policy.timeoutMs / 1000)}s)`,
        [`last status: ${last}`, ...(opts.hint ? [opts.hint] : []), "re-running the same command resumes from here"],
      );
    }
    await opts.clock.sleep(policy.intervalMs);
  }
  throw new Error("unreachable: retry loop ended without a verdict");
}
