/**
 * Script: runs a node's boot steps in order, stops at the first failure, and resumes there.
 *
 * cloud-init's runcmd is one `#!/bin/sh` script without `set -e`, so separate runcmd entries would
 * carry on after a failed step (e.g. `kubeadm join` after node preparation failed) and bury the
 * real error; and runcmd runs on first boot only. So runcmd runs this runner, which records each
 * finished step under BOOT_STATE_DIR and skips it on the next run. A systemd unit runs the runner on
 * every boot until all steps are done, so after fixing a failure `sudo systemctl start clusterkit-boot`
 * (or a reboot) resumes at the step that failed.
 */
import { bashScript, shQuote } from "./shell";

export const BOOT_STEPS_SCRIPT = "/usr/local/sbin/clusterkit-boot.sh";
/** Where finished steps are recorded (`<step>.done`) and the runner's lock lives. */
export const BOOT_STATE_DIR = "/var/lib/clusterkit/boot";
/** Written when every step succeeded; the unit stops running from then on. */
const BOOT_COMPLETE = `${BOOT_STATE_DIR}/complete`;
const BOOT_UNIT_NAME = "clusterkit-boot.service";
export const BOOT_UNIT_FILE = `/etc/systemd/system/${BOOT_UNIT_NAME}`;

/** `steps` are absolute script paths, run in this order. */
export function bootStepsScript(steps: readonly string[]): string {
  // The step list is the only generated part; each path is single-quoted.
  return bashScript(
    "Runs this node's boot steps in order; stops at the first one that fails; a re-run resumes there.",
    { STATE_DIR: BOOT_STATE_DIR, UNIT: BOOT_UNIT_NAME },
    BODY + steps.map((s) => `run_step ${shQuote(s)}\n`).join("") + DONE,
  );
}

/** The unit that resumes unfinished boot steps on every boot (enabled by the runner itself). */
export function bootUnit(): string {
  return `[Unit]
Description=clusterkit node bootstrap (resumes at the step that failed)
Wants=network-online.target
After=network-online.target cloud-final.service
ConditionPathExists=!${BOOT_COMPLETE}

[Service]
Type=oneshot
ExecStart=${BOOT_STEPS_SCRIPT}
RemainAfterExit=yes
# kubeadm init and join wait for each other and for image pulls: no time limit.
TimeoutStartSec=0
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;
}

const BODY = String.raw`
install -d -m 0700 "$STATE_DIR"
# One runner at a time (cloud-init's first run, the unit, or an admin resuming by hand).
exec 9>"$STATE_DIR/lock"
if ! flock -n 9; then
  echo "clusterkit: the boot steps are already running (lock $STATE_DIR/lock)" >&2
  exit 1
fi
# From now on a failure is resumed on the next boot, or at once with: systemctl start $UNIT
if [ -d /run/systemd/system ] && ! systemctl enable "$UNIT" >/dev/null 2>&1; then
  echo "clusterkit: warning: could not enable $UNIT; after a failure, resume with sudo $0" >&2
fi

run_step() {
  local status=0 done_file
  done_file="$STATE_DIR/$(basename "$1" .sh).done"
  if [ -e "$done_file" ]; then
    echo "clusterkit: boot step $1 already done"
    return 0
  fi
  echo "clusterkit: boot step $1"
  "$1" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "clusterkit: boot step $1 failed (exit $status); the later steps were not run. Fix the cause, then resume with: sudo systemctl start $UNIT (or reboot)" >&2
    exit "$status"
  fi
  touch "$done_file"
}

`;

const DONE = `touch "$STATE_DIR/complete"
echo "clusterkit: every boot step succeeded"
`;
