/**
 * Synthesis writes into fresh staging folders and swaps them into place only when everything
 * succeeded, so a failure leaves the previous `cdktf.out/` and `dist/` exactly as they were.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/** A fresh sibling folder of `target` to write into. */
export function stagingDir(target: string): string {
  const dir = `${target}.tmp-${process.pid}-${Date.now()}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Moves `staged` into `target`, carrying over the named entries of the old target that synthesis
 * does not produce (Terraform's `.terraform/` plugin cache and lock file, generated diagrams), and
 * keeping the old version of every `preserve` entry (an environment another run holds) in place of
 * the new one.
 */
export function commitDir(staged: string, target: string, keep: (relativePath: string) => boolean, preserve: readonly string[] = []): void {
  if (existsSync(target)) {
    for (const p of preserve) {
      if (!existsSync(join(target, p))) continue;
      rmSync(join(staged, p), { recursive: true, force: true });
      mkdirSync(join(staged, p, ".."), { recursive: true });
      renameSync(join(target, p), join(staged, p));
    }
    carryOver(target, staged, "", keep);
    const old = `${target}.old-${process.pid}-${Date.now()}`;
    renameSync(target, old);
    renameSync(staged, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(staged, target);
  }
}

function carryOver(from: string, to: string, rel: string, keep: (relativePath: string) => boolean): void {
  for (const entry of readdirSync(join(from, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (keep(path)) {
      if (!existsSync(join(to, path))) renameSync(join(from, path), join(to, path));
    } else if (entry.isDirectory() && existsSync(join(to, path))) {
      carryOver(from, to, path, keep);
    }
  }
}

export function discard(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
