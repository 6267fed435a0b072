/**
 * Part of jest's `globalSetup` (global-setup.ts): synthesizes every environment with the default configuration ONCE per run,
 * exactly as `npm run synth` does (scripts/synth.mjs, in a child process, into a scratch root),
 * before any test file starts. Test files read the result through test/support/synthesized.ts
 * instead of each building the same stacks and charts again (jest gives every file its own module
 * registry, so nothing synthesized in memory is shared across files). The folder is named by the
 * run (pid and time) and removed by synthesized-teardown.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The environment variable that hands the folder to the test files (jest workers inherit it). */
export const SYNTHESIZED_ROOT_VARIABLE = "CLUSTERKIT_TEST_SYNTHESIZED";

const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** Synthesizes the default configuration of every environment under a fresh folder; returns it. */
export function synthesizeDefaults(parent = tmpdir()): string {
  const root = mkdtempSync(join(parent, `clusterkit-synth-${process.pid}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, CLUSTERKIT_ROOT: root };
  // The defaults, whatever the developer's shell points at.
  delete env.CLUSTERKIT_CONFIG;
  delete env.CDKTF_OUTDIR;
  delete env.CDK8S_OUTDIR;
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "synth.mjs")], { cwd: PROJECT_ROOT, env, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`synthesizing the default environments for the tests failed (status ${r.status}):\n${r.stderr}${r.error ? String(r.error) : ""}`);
  return root;
}
