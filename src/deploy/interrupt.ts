/**
 * Ctrl-C and SIGTERM during deploy/destroy. Commands run in their own process group (runner.ts),
 * so the terminal's Ctrl-C does not reach them directly: the first signal is forwarded to each
 * running command in the form it stops gracefully with (terraform: SIGINT, after which it finishes
 * what it started and saves its state), and deploy waits for it, then stops with a clear message.
 * A second signal only says what is being waited for; a third kills the commands outright.
 */
import { UserError } from "../errors";
import type { Clock } from "./retry";
import type { Runner } from "./runner";

export type StopSignal = "SIGINT" | "SIGTERM";

/** Signals that mean "stop", and the exit status a shell reports for each. */
const EXIT_STATUS: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

type Listener = (signal: StopSignal, count: number) => void;

/** Whether (and how often) the user asked deploy to stop; commands and waits listen to it. */
export class Interruption {
  signal?: StopSignal;
  count = 0;
  private readonly listeners = new Set<Listener>();

  /** Records a stop request and tells every listener (the runner forwards it to its commands). */
  raise(signal: StopSignal): void {
    this.count++;
    this.signal ??= signal;
    for (const l of [...this.listeners]) l(signal, this.count);
  }

  /** Calls `fn` on every stop request; returns the unsubscribe function. */
  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Throws the interruption error when a stop was requested. */
  check(during: string): void {
    if (this.signal) throw interruptedError(this.signal, during);
  }
}

/** The error deploy and destroy stop with; its exit status is the shell's for the signal. */
export class InterruptedError extends UserError {
  constructor(
    readonly signal: StopSignal,
    during: string,
    details: readonly string[] = [],
  ) {
    super(`interrupted by ${signal} ${during}`, [...details, "nothing is lost: run the same command again to resume"], EXIT_STATUS[signal]);
    this.name = "InterruptedError";
  }
}

export function interruptedError(signal: StopSignal, during: string, details: readonly string[] = []): InterruptedError {
  return new InterruptedError(signal, during, details);
}

/**
 * Listens for SIGINT and SIGTERM on this process (the command-line entry points call it); `say`
 * prints what happens. Returns the function that stops listening.
 */
export function listenForStopSignals(interruption: Interruption, say: (line: string) => void): () => void {
  const handler = (signal: StopSignal) => {
    interruption.raise(signal);
    if (interruption.count === 1)
      say(`\nclusterkit: ${signal} received: stopping after the running command finishes cleanly (terraform saves its state first); please wait`);
    else if (interruption.count === 2)
      say(`clusterkit: still waiting for the running command to stop cleanly; a third ${signal} kills it (terraform state may then be lost)`);
    else say("clusterkit: killing the running command");
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

/** A clock whose sleeps end early when a stop is requested, and then throw the interruption error. */
export function interruptibleClock(clock: Clock, interruption: Interruption): Clock {
  return {
    now: () => clock.now(),
    sleep: async (ms) => {
      interruption.check("while waiting");
      let unsubscribe = () => undefined as unknown;
      await Promise.race([clock.sleep(ms), new Promise<void>((resolve) => (unsubscribe = interruption.on(() => resolve())))]);
      unsubscribe();
      interruption.check("while waiting");
    },
  };
}

/**
 * A runner that refuses to start commands once a stop was requested, and turns a command the stop
 * reached into the interruption error (so no caller mistakes it for the command's own failure).
 */
export function interruptibleRunner(runner: Runner, interruption: Interruption): Runner {
  return {
    async run(cmd, args, opts) {
      const what = `${cmd} ${args
        .filter((a) => !a.startsWith("-"))
        .slice(0, 2)
        .join(" ")}`.trim();
      interruption.check(`before running ${what}`);
      const r = await runner.run(cmd, args, opts);
      const signal = interruption.signal ?? r.interrupted;
      if (signal) throw interruptedError(signal, `while running ${what}`, [`${cmd} stopped (exit ${r.code})`]);
      return r;
    },
  };
}
