/** Fixed locations of the local stack, relative to the project root (see `../shared/paths.ts`). */
import { STATE_FILES, statePath } from "../../src/contracts/state-paths";
import { backendPath } from "../shared/paths";

/** Backend path: relative to Terraform's working directory (backends cannot use `${path.module}`). */
export const LOCAL_STATE_FILE = backendPath(statePath("local", STATE_FILES.terraformState));

/** The ISO builder Terraform runs with Node at apply time (no ISO tool or shell needed), relative to the project root. */
export const SEED_ISO_SCRIPT = "scripts/seed-iso.js";
