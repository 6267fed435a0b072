/** Fixed locations of the local stack, relative to the project root (see `../shared/paths.ts`). */
import { backendPath } from "../shared/paths";

/** Backend path: relative to Terraform's working directory (backends cannot use `${path.module}`). */
export const LOCAL_STATE_FILE = backendPath("state/local/terraform.tfstate");

/** Seed files and ISOs, relative to the project root (git-ignored with the rest of `state/`). */
export const SEED_DIR = "state/local/seed";

/** The ISO builder run by Terraform at apply time, relative to the project root. */
export const SEED_ISO_SCRIPT = "scripts/build-seed-iso.sh";
