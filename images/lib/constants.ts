/** Fixed values every image build shares: changing one changes every image's bytes. */
import { join, resolve } from "node:path";

/**
 * SOURCE_DATE_EPOCH of every build (2025-01-01T00:00:00Z): file times in layers, mmdebstrap's
 * clamped mtimes, and the config's `created`. A constant, so rebuilding later gives the same digest.
 */
export const SOURCE_DATE_EPOCH = 1735689600;

/**
 * The unprivileged user every image runs as. The charts run the frontend, the middleware and the
 * executors with this uid (charts/faas/frontend.ts APP_UID, executors.ts EXECUTOR_UID).
 */
export const IMAGE_UID = 1000;
export const IMAGE_USER_NAME = "app";

/** Repository root (this file is images/lib/constants.ts). */
export const REPO_ROOT = resolve(__dirname, "..", "..");

export const PATHS = {
  /** Committed: Debian package versions per root filesystem. */
  debianLock: join(REPO_ROOT, "images", "debian.lock.json"),
  /** Committed: the tag of every image, a hash of its inputs. */
  imagesLock: join(REPO_ROOT, "images", "images.lock.json"),
  /** Git-ignored caches: downloaded .debs, root filesystem tars, compressed layers, runner builds. */
  cache: join(REPO_ROOT, ".cache", "images"),
  /** Git-ignored: one archive per image. */
  output: join(REPO_ROOT, "build", "images"),
} as const;

export const CACHE = {
  debs: join(PATHS.cache, "debs"),
  apt: join(PATHS.cache, "apt"),
  repos: join(PATHS.cache, "repos"),
  rootfs: join(PATHS.cache, "rootfs"),
  layers: join(PATHS.cache, "layers"),
  npm: join(PATHS.cache, "npm"),
  runner: join(PATHS.cache, "runner"),
  tmp: join(PATHS.cache, "tmp"),
} as const;

/** Repository path prefix of every built image: `<registry>/clusterkit/<name>:<tag>`. */
export const IMAGE_NAMESPACE = "clusterkit";
