/**
 * Paths written into Terraform JSON. Config paths are relative to the project root (or absolute);
 * Terraform runs in `cdktf.out/stacks/<env>`, three levels below the root, so relative paths are
 * rewritten from there and nothing machine-specific lands in cdk.tf.json.
 */
import { isAbsolute } from "node:path";

/** From a stack's working directory back to the project root. */
const TO_ROOT = "../../..";

function isAbsolutePath(path: string): boolean {
  return isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path);
}

function relativeToRoot(path: string): string {
  return `${TO_ROOT}/${path.replace(/^\.\//, "")}`;
}

/** A file path for resource arguments (`${path.module}` makes it independent of Terraform's cwd). */
export function fromRoot(path: string): string {
  return isAbsolutePath(path) ? path : `\${path.module}/${relativeToRoot(path)}`;
}

/** A local backend path: backends cannot interpolate, so relative to the stack's working directory. */
export function backendPath(path: string): string {
  return isAbsolutePath(path) ? path : relativeToRoot(path);
}
