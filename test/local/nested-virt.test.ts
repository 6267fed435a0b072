/**
 * Nested virtualization for Kata: the local stack runs scripts/vbox-nested-virt.sh once per
 * Kubernetes VM (not the NFS node) only when Kata is enabled, with the VM name in the environment
 * (never in the command); the script itself, driven against a stand-in VBoxManage, shuts the VM
 * down, switches nested VT-x/AMD-V on, starts it again, leaves a VM that has it alone, and fails
 * with the reason when VirtualBox refuses.
 */
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, scratchDir } from "../support/cli";
import { resources, synthLocal } from "./support";

const SCRIPT = join(PROJECT_ROOT, "scripts", "vbox-nested-virt.sh");

/** A VBoxManage that keeps the VM's state in files and logs every call. */
function fakeVBoxManage(state: { running: boolean; nested: boolean; refuse?: boolean }) {
  const dir = scratchDir();
  writeFileSync(join(dir, "state"), state.running ? "running" : "poweroff");
  writeFileSync(join(dir, "nested"), state.nested ? "on" : "off");
  const tool = join(dir, "VBoxManage");
  writeFileSync(
    tool,
    `#!/bin/sh
d=${JSON.stringify(dir)}
echo "$*" >>"$d/calls"
case "$1 $3" in
  "showvminfo --machinereadable") printf 'name="%s"\\nVMState="%s"\\nnested-hw-virt="%s"\\n' "$2" "$(cat "$d/state")" "$(cat "$d/nested")" ;;
  "controlvm acpipowerbutton"|"controlvm poweroff") echo poweroff >"$d/state" ;;
  "modifyvm --nested-hw-virt") ${state.refuse ? 'echo "VBoxManage: error: Cannot enable nested VT-x/AMD-V without nested-paging" >&2; exit 1' : '[ "$(cat "$d/state")" = poweroff ] || { echo "VM is running" >&2; exit 1; }; echo on >"$d/nested"'} ;;
  "startvm --type") echo running >"$d/state" ;;
esac
`,
  );
  chmodSync(tool, 0o755);
  const run = () => spawnSync("sh", [SCRIPT], { encoding: "utf8", env: { PATH: `${dir}:${process.env.PATH}`, VM_NAME: "worker01", SHUTDOWN_SECONDS: "4" } });
  const calls = () =>
    readFileSync(join(dir, "calls"), "utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("showvminfo"));
  return { run, calls, nested: () => readFileSync(join(dir, "nested"), "utf8").trim(), state: () => readFileSync(join(dir, "state"), "utf8").trim() };
}

describe("nested virtualization for Kata", () => {
  it("is a step of the local stack per Kubernetes VM only when Kata is enabled, the VM name passed as data", () => {
    expect(Object.keys(resources(synthLocal().json, "null_resource")).filter((k) => k.startsWith("nested_virt"))).toEqual([]);
    const on = resources(synthLocal({ runtimes: { kata: { enabled: true } } }).json, "null_resource");
    const nested = Object.entries(on).filter(([k]) => k.startsWith("nested_virt_"));
    expect(nested.map(([k]) => k).sort()).toEqual(["nested_virt_master01", "nested_virt_worker01", "nested_virt_worker02"]);
    for (const [k, r] of nested) {
      const exec = (r.provisioner as any[])[0]["local-exec"];
      expect(exec.command).toMatch(/^sh ".*scripts\/vbox-nested-virt\.sh"$/);
      expect(exec.environment).toEqual({ VM_NAME: k.replace("nested_virt_", "") });
      expect(JSON.stringify(r.depends_on)).toContain(`virtualbox_vm.${k.replace("nested_virt_", "")}`);
    }
  });

  it("shuts a running VM down, switches nested VT-x/AMD-V on and starts it again", () => {
    const vbox = fakeVBoxManage({ running: true, nested: false });
    const r = vbox.run();
    expect(r.status).toBe(0);
    expect(vbox.calls()).toEqual(["controlvm worker01 acpipowerbutton", "modifyvm worker01 --nested-hw-virt on", "startvm worker01 --type headless"]);
    expect([vbox.nested(), vbox.state()]).toEqual(["on", "running"]);
  });

  it("leaves a VM that already has it alone", () => {
    const vbox = fakeVBoxManage({ running: true, nested: true });
    expect(vbox.run().status).toBe(0);
    expect(vbox.calls()).toEqual([]);
  });

  it("fails, saying which hosts cannot do it, when VirtualBox refuses, and starts the VM again", () => {
    const vbox = fakeVBoxManage({ running: true, nested: false, refuse: true });
    const r = vbox.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused nested virtualization for worker01: .*Hyper-V on Windows, Apple silicon/);
    expect(vbox.state()).toBe("running");
  });
});
