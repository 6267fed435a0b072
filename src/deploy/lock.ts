/**
 * One deploy or destroy per environment at a time: `state/<env>/deploy.lock`, created atomically
 * (written to a temporary file, then hard-linked into place, which fails if the lock exists) and
 * removed when the run ends however it ends. A lock whose process is gone is stale and taken over.
 * Synth reads the same lock and refuses to rewrite an environment's Terraform and manifests while
 * someone else's deploy of it holds the lock (src/synth/synth.ts).
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { STATE_FILES, statePath } from "../contracts/state-paths";
import { UserError } from "../errors";
import { prepareStateDir } from "./state-dir";
import { withPath, writeFileAtomic } from "./state-files";

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  /** ISO time the run started. */
  readonly started: string;
  /** Identifies this run's lock (a process may run several in tests; the pid alone cannot tell them apart). */
  readonly token: string;
}

export interface HeldLock {
  readonly info: LockInfo;
  /** Project-relative lock path. */
  readonly path: string;
  /** Removes the lock if it is still ours. */
  release(): void;
}

function lockPath(environment: string): string {
  return statePath(environment, STATE_FILES.lock);
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as Partial<LockInfo>;
    if (typeof info.pid === "number" && typeof info.host === "string" && typeof info.token === "string") return info as LockInfo;
  } catch {
    // missing, unreadable or not ours: treated as absent (below) or as a lock of unknown holder
  }
  return undefined;
}

/** True while the process holding `info` may still run (another machine's process: assumed alive). */
function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live holder of an environment's lock, or undefined when it is free (or stale). */
export function lockHolder(root: string, environment: string): LockInfo | undefined {
  const info = readLock(join(root, lockPath(environment)));
  return info && holderAlive(info) ? info : undefined;
}

/** How a lock holder is named in messages. */
export function describeHolder(info: LockInfo): string {
  return `${info.command} (pid ${info.pid}${info.host === hostname() ? "" : ` on ${info.host}`}, started ${info.started})`;
}

/** Takes the environment's lock for `command`, or refuses naming who holds it. */
export function acquireLock(root: string, environment: string, command: string, now: number = Date.now()): HeldLock {
  prepareStateDir(root, environment);
  const path = lockPath(environment);
  const file = join(root, path);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, started: new Date(now).toISOString(), token: randomBytes(12).toString("hex") };
  const temp = `${file}.new-${info.token}`;
  try {
    writeFileAtomic(temp, `${JSON.stringify(info)}\n`);
  } catch (err) {
    throw withPath(err, file);
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(temp, file);
        return { info, path, release: () => releaseLock(file, info.token) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = readLock(file);
      if (!holder) {
        throw new UserError(`cannot ${command} ${environment}: ${path} exists but cannot be read as a clusterkit lock`, [
          `if no deploy or destroy of ${environment} is running, delete ${path} and run the same command again`,
        ]);
      }
      if (holderAlive(holder)) {
        throw new UserError(`cannot ${command} ${environment}: ${describeHolder(holder)} is running and holds ${path}`, [
          "wait for it to finish, then run the same command again",
          `if that process is not really running (another machine's lock, say), delete ${path} and run again`,
        ]);
      }
      // Stale: its process is gone. Remove it only if it is still that same lock, then try again.
      if (readLock(file)?.token === holder.token) unlinkSync(file);
    }
    throw new UserError(`cannot ${command} ${environment}: another run took ${path} at the same moment; run the same command again`);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

function releaseLock(file: string, token: string): void {
  if (readLock(file)?.token !== token) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone (or the folder went read-only): a stale lock is taken over next time
  }
}
