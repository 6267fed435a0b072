/**
 * Source inputs of an image: repository files whose content goes into it. Their hashes are part
 * of the image tag, so changing one makes the images lock stale (a fast test says so).
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./constants";

export interface InputSpec {
  /** Repository-relative file or directory. */
  readonly path: string;
  /** In a directory, only files whose name matches. @default every file */
  readonly match?: RegExp;
}

/** Directories never hashed: dependencies and build outputs, which follow from the sources. */
const SKIP_DIRS = new Set(["node_modules", ".next", "build", "dist", ".cache", ".git", "coverage", "test-results"]);
/** Files tools write beside the sources (git-ignored): hashing them would make a fresh clone's tags differ. */
const SKIP_FILES = /^(next-env\.d\.ts|.*\.tsbuildinfo)$/;

function walk(dir: string, match: RegExp | undefined, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, match, out);
    } else if (!SKIP_FILES.test(name) && (!match || match.test(name))) out.push(path);
  }
}

/** Every file an input spec covers, repository-relative and sorted; a missing path yields none. */
function inputFiles(spec: InputSpec, root: string = REPO_ROOT): string[] {
  const abs = join(root, spec.path);
  if (!existsSync(abs)) return [];
  const files: string[] = [];
  if (lstatSync(abs).isDirectory()) walk(abs, spec.match, files);
  else files.push(abs);
  return files.map((f) => relative(root, f)).sort();
}

/** `path sha256` lines (symlinks hash their target), or `path missing` for an absent input. */
export function hashInputs(specs: readonly InputSpec[], root: string = REPO_ROOT): string[] {
  const lines: string[] = [];
  for (const spec of specs) {
    const files = inputFiles(spec, root);
    if (files.length === 0) lines.push(`${spec.path} missing`);
    for (const f of files) {
      const abs = join(root, f);
      const content = lstatSync(abs).isSymbolicLink() ? Buffer.from(`symlink:${readlinkSync(abs)}`) : readFileSync(abs);
      lines.push(`${f} ${createHash("sha256").update(content).digest("hex")}`);
    }
  }
  return lines;
}
