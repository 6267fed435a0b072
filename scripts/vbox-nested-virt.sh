#!/bin/sh
# Turns on nested hardware virtualization (VT-x/AMD-V) for one VirtualBox VM, which Kata Containers
# needs inside it. The Terraform provider has no setting for it, and VirtualBox changes it only
# while the VM is powered off: so this shuts the VM down (ACPI, then forced after a while), switches
# it on and starts the VM again, headless. The node's boot runner resumes where it stopped.
# Idempotent: a VM that already has it is left alone. Run by Terraform (local-exec) with VM_NAME.
set -eu
: "${VM_NAME:?VM_NAME is required}"
: "${SHUTDOWN_SECONDS:=120}"

info() {
  VBoxManage showvminfo "$VM_NAME" --machinereadable | sed -n "s/^$1=\"\\(.*\\)\"\$/\\1/p"
}

if [ "$(info nested-hw-virt)" = "on" ]; then
  echo "clusterkit: $VM_NAME already has nested virtualization"
  exit 0
fi
if [ "$(info VMState)" = "running" ]; then
  VBoxManage controlvm "$VM_NAME" acpipowerbutton
  waited=0
  while [ "$(info VMState)" = "running" ] && [ "$waited" -lt "$SHUTDOWN_SECONDS" ]; do
    sleep 2
    waited=$((waited + 2))
  done
  if [ "$(info VMState)" = "running" ]; then
    echo "clusterkit: $VM_NAME did not shut down within ${SHUTDOWN_SECONDS}s; powering it off" >&2
    VBoxManage controlvm "$VM_NAME" poweroff
  fi
  waited=0
  while [ "$(info VMState)" != "poweroff" ] && [ "$(info VMState)" != "aborted" ] && [ "$waited" -lt 60 ]; do
    sleep 1
    waited=$((waited + 1))
  done
fi
if ! VBoxManage modifyvm "$VM_NAME" --nested-hw-virt on; then
  echo "clusterkit: VirtualBox refused nested virtualization for $VM_NAME: this host cannot give VMs VT-x/AMD-V (see docs/runtimes.md#kata-containers: Hyper-V on Windows, Apple silicon, or a host that is itself a VM without nested virtualization)" >&2
  VBoxManage startvm "$VM_NAME" --type headless
  exit 1
fi
VBoxManage startvm "$VM_NAME" --type headless
if [ "$(info nested-hw-virt)" != "on" ]; then
  echo "clusterkit: nested virtualization is still off for $VM_NAME" >&2
  exit 1
fi
echo "clusterkit: nested virtualization on for $VM_NAME; it restarted and its boot resumes"
