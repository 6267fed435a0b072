/**
 * Paths in config that files are written to (kubeconfig, local Terraform state): relative to the
 * project root and staying inside it, or absolute. Generated folders are refused because synth
 * deletes and rewrites them.
 */
import { posix, win32 } from "node:path";

/** Folders synth rewrites on every run. */
const GENERATED = ["cdktf.out", "dist"] as const;

function isAbsolutePath(p: string): boolean {
  return posix.isAbsolute(p) || win32.isAbsolute(p);
}

/** What is wrong with `p`, or undefined when it is acceptable. */
export function projectPathProblem(p: string): string | undefined {
  if (isAbsolutePath(p)) return undefined;
  const normal = posix.normalize(p.replace(/\\/g, "/"));
  if (normal === "." || normal.endsWith("/")) return `must name a file, got '${p}'`;
  if (normal === ".." || normal.startsWith("../")) return `must be relative to the project root without '..' leading out of it (or an absolute path), got '${p}'`;
  const top = normal.split("/")[0];
  if (GENERATED.some((g) => g === top)) return `must not be under ${top}/, which synth deletes and rewrites; use state/<env>/ (got '${p}')`;
  return undefined;
}
