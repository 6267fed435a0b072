/**
 * Files deploy writes beside Terraform's state, written so that a crash, a full disk or a kill at
 * any moment leaves either the old file or the new one, never a torn or empty one: a temporary file
 * in the same folder, flushed to disk, then renamed over the target.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { STATE_FILES, statePath } from "../contracts/state-paths";

/** Terraform's working folder for a stack: cdktf.out/stacks/<env>. */
export function stackDir(root: string, environment: string): string {
  return join(root, "cdktf.out", "stacks", environment);
}

let counter = 0;

/** Writes `data` to `file` atomically (owner-only by default); on failure the old file is untouched. */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const temp = `${file}.tmp-${process.pid}-${counter++}`;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode);
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the write error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created, or the folder is read-only
    }
    throw withPath(err, file);
  }
}

/**
 * The error naming `file` (write() and fsync() errors carry no path, and the temporary file's name
 * would only confuse), so the one-line report says which file could not be written.
 */
export function withPath(err: unknown, file: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === "object" && typeof e.code === "string") {
    e.path = file;
    e.syscall = "write";
  }
  return err;
}

/** Name of one deploy run's manifest snapshot folder (under state/<env>/runs/). */
function runName(now: number): string {
  return `${new Date(now).toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
}

/**
 * Copies the manifests a deploy is about to apply into its own folder, so a synth (or anything
 * else) rewriting dist/<env> meanwhile cannot change what this run applies. Returns the folder.
 */
export function snapshotManifests(root: string, environment: string, sourceDir: string, files: readonly string[], now: number = Date.now()): string {
  const runs = join(root, statePath(environment, STATE_FILES.runs));
  mkdirSync(runs, { recursive: true, mode: 0o700 });
  // Snapshots of runs that ended without cleaning up (killed) are of no further use.
  for (const old of readdirSync(runs)) {
    const pid = Number(/-(\d+)$/.exec(old)?.[1]);
    if (!pid || pid === process.pid || !processAlive(pid)) rmSync(join(runs, old), { recursive: true, force: true });
  }
  const dir = join(runs, runName(now));
  mkdirSync(dir, { mode: 0o700 });
  for (const f of files) copyFileSync(join(sourceDir, f), join(dir, f));
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Where Terraform leaves state it could not save: `errored.tfstate` in its working folder. */
const ERRORED_STATE = "errored.tfstate";

/** Rescued copies of errored state, project-relative, oldest first. */
export function erroredStateFiles(root: string, environment: string, stackDir: string): string[] {
  const state = join(root, statePath(environment));
  const rescued = existsSync(state)
    ? readdirSync(state)
        .filter((f) => /^errored-.*\.tfstate$/.test(f))
        .sort()
        .map((f) => statePath(environment, f))
    : [];
  const inStack = existsSync(join(stackDir, ERRORED_STATE))
    ? [
        join(stackDir, ERRORED_STATE)
          .slice(root.length + 1)
          .split("\\")
          .join("/"),
      ]
    : [];
  return [...rescued, ...inStack];
}

/**
 * Moves the errored state Terraform just left in its working folder (a generated folder synth
 * rewrites) to state/<env>/errored-<time>.tfstate, owner-only. Never deletes it. Returns the
 * project-relative path, or undefined when there was none.
 */
export function rescueErroredState(root: string, environment: string, stackDir: string, now: number = Date.now()): string | undefined {
  const source = join(stackDir, ERRORED_STATE);
  if (!existsSync(source)) return undefined;
  const relative = statePath(environment, `errored-${new Date(now).toISOString().replace(/[:.]/g, "-")}.tfstate`);
  mkdirSync(dirname(join(root, relative)), { recursive: true, mode: 0o700 });
  writeFileAtomic(join(root, relative), readFileSync(source));
  unlinkSync(source);
  return relative;
}

/** What to do about errored state before Terraform may run again (the same text everywhere). */
export function erroredStateRecovery(environment: string, files: readonly string[]): string[] {
  const first = files[0]!;
  const fromStack = first.startsWith("cdktf.out/") ? first.slice(`cdktf.out/stacks/${environment}/`.length) : `../../../${first}`;
  return [
    `Terraform could not save its state after creating or changing resources, and wrote it to ${files.join(", ")} instead; that file is the only record of those resources`,
    `push it back: terraform -chdir=cdktf.out/stacks/${environment} state push ${fromStack}`,
    `then move it out of the way (e.g. mv ${first} ${first}.pushed) and run the same command again; see docs/deploy.md#a-failed-state-save`,
  ];
}
