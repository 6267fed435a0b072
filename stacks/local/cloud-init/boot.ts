/**
 * What every node's boot consists of: its files, the packages step, its own steps, sealing the seed
 * last, and the re-runnable runner (with the unit that resumes it) as the only runcmd entry.
 */
import { type CloudConfigDoc, type WriteFile, scriptFile } from "./cloud-config";
import { BOOT_STEPS_SCRIPT, BOOT_UNIT_FILE, bootStepsScript, bootUnit } from "./scripts/boot-steps";
import { PACKAGES_SCRIPT, packagesScript } from "./scripts/packages";
import { SEAL_SEED_SCRIPT, sealSeedScript } from "./scripts/seal-seed";

/**
 * `steps`: the node's boot scripts in order (the packages step among them); the seal step is
 * appended. `files`: the node's own files, scripts included.
 */
export function bootFiles(
  steps: readonly string[],
  packages: readonly string[],
  files: readonly WriteFile[],
): Pick<CloudConfigDoc, "write_files"> & { runcmd: string[][] } {
  return {
    write_files: [
      ...files,
      scriptFile(PACKAGES_SCRIPT, packagesScript(packages)),
      scriptFile(SEAL_SEED_SCRIPT, sealSeedScript()),
      { path: BOOT_UNIT_FILE, content: bootUnit(), permissions: "0644", owner: "root:root" },
      scriptFile(BOOT_STEPS_SCRIPT, bootStepsScript([...steps, SEAL_SEED_SCRIPT])),
    ],
    // One entry: the runner stops at the first failing step (runcmd entries would not).
    runcmd: [[BOOT_STEPS_SCRIPT]],
  };
}
