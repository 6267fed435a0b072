/**
 * The executor images the charts reference (images/recipes/executor-*.ts), built with
 * `npm run images -- build` (cached by the image build) and loaded into podman's store, for the
 * slow tier. An image podman already holds under its reference is not loaded again.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Language } from "../../service/contract/languages";
import { LANGUAGES } from "../../service/contract/languages";
import { podmanEnv } from "./podman-env";
import { REPO_ROOT } from "./runner-build";
import { testEnvironment } from "./synth-charts";
import { missingTools } from "./tools";

const RECIPE: Readonly<Record<Language, string>> = { go: "executor-go", javascript: "executor-javascript", c: "executor-c" };

/** Why the executor images cannot be built here, or undefined. */
export function executorImagesSkipReason(): string | undefined {
  const missing = missingTools(["mmdebstrap", "apt-get", "dpkg-deb", "tar", "podman"], "apt-get install mmdebstrap podman");
  if (missing) return missing;
  if (process.getuid?.() !== 0) return "the image build (mmdebstrap root mode) and podman run as root here";
  return undefined;
}

/** The references the `local` environment's PodTemplates name (and the build writes). */
export function executorImageReferences(): Readonly<Record<Language, string>> {
  return testEnvironment("local").config.faas.executors.images;
}

/**
 * Builds what podman does not hold yet and loads it; returns the references. The first build
 * downloads Debian packages and takes minutes (docs/images.md); later ones take seconds.
 */
export function executorImages(): Readonly<Record<Language, string>> {
  const refs = executorImageReferences();
  const missing = LANGUAGES.filter((l) => spawnSync("podman", ["image", "exists", refs[l]], { env: podmanEnv() }).status !== 0);
  if (missing.length === 0) return refs;
  const registry = testEnvironment("local").config.faas.registry;
  const build = spawnSync(
    join(REPO_ROOT, "node_modules", ".bin", "tsx"),
    ["scripts/images.ts", "build", "--registry", registry, ...missing.map((l) => RECIPE[l])],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (build.status !== 0) throw new Error(`npm run images -- build failed:\n${`${build.stdout}${build.stderr}`.split("\n").slice(-30).join("\n")}`);
  for (const l of missing) {
    const load = spawnSync("podman", ["load", "--input", join(REPO_ROOT, "build", "images", `${RECIPE[l]}.tar`)], { env: podmanEnv(), encoding: "utf8" });
    if (load.status !== 0 || !`${load.stdout}${load.stderr}`.includes(refs[l]))
      throw new Error(`podman load of ${RECIPE[l]} failed or named another image:\n${load.stdout}${load.stderr}`);
  }
  return refs;
}
