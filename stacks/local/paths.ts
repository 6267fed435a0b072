/**
 * File paths written into the local stack's Terraform JSON. Terraform runs in
 * `cdktf.out/stacks/local`, three levels below the project root; every path is written relative to
 * that through `${path.module}` so nothing machine-specific lands in cdk.tf.json.
 */
import { isAbsolute } from "node:path";

/** From the stack's working directory back to the project root. */
const TO_ROOT = "../../..";

/** A project-root-relative path as Terraform sees it; absolute paths are kept as the user wrote them. */
export function fromRoot(relative: string): string {
  if (isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) return relative;
  return `\${path.module}/${TO_ROOT}/${relative.replace(/^\.\//, "")}`;
}

/** Backend path: relative to Terraform's working directory (backends cannot use `${path.module}`). */
export const LOCAL_STATE_FILE = `${TO_ROOT}/state/local/terraform.tfstate`;

/** Seed files and ISOs, relative to the project root (git-ignored with the rest of `state/`). */
export const SEED_DIR = "state/local/seed";

/** The ISO builder run by Terraform at apply time, relative to the project root. */
export const SEED_ISO_SCRIPT = "scripts/build-seed-iso.sh";
