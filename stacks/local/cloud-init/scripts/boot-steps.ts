/**
 * Script: runs a node's boot steps in order and stops at the first failure. cloud-init's runcmd
 * is one `#!/bin/sh` script without `set -e`, so separate runcmd entries would carry on after a
 * failed step (e.g. `kubeadm join` after node preparation failed) and bury the real error.
 */
import { bashScript, shQuote } from "./shell";

export const BOOT_STEPS_SCRIPT = "/usr/local/sbin/clusterkit-boot.sh";

/** `steps` are absolute script paths, run in this order. */
export function bootStepsScript(steps: readonly string[]): string {
  // The step list is the only generated part; each path is single-quoted.
  return bashScript("Runs this node's boot steps in order; stops at the first one that fails.", {}, BODY + steps.map((s) => `run_step ${shQuote(s)}\n`).join("") + DONE);
}

const BODY = String.raw`
run_step() {
  local status=0
  echo "clusterkit: boot step $1"
  "$1" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "clusterkit: boot step $1 failed (exit $status); the later steps were not run" >&2
    exit "$status"
  fi
}

`;

const DONE = `echo "clusterkit: every boot step succeeded"\n`;
