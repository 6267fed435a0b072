/**
 * Script: installs Kata Containers' pinned static release (checked against the SHA-256 pinned in
 * src/config/runtime-releases.ts) and registers the `kata` runtime with containerd. Kata runs each
 * Pod in a QEMU/KVM virtual machine, so the node needs hardware virtualization: inside VirtualBox,
 * nested VT-x/AMD-V, which the deploy switches on (scripts/vbox-nested-virt.sh) and which restarts
 * the VM — the boot runner then resumes here. Without it, this step fails and says why.
 */
import { KATA } from "../../../../src/config/runtime-releases";
import { LOCAL_RUNTIME_CLASSES } from "../../../../src/contracts/runtimes";
import { bashScript } from "./shell";

export const KATA_SCRIPT = "/usr/local/sbin/clusterkit-kata.sh";
/** containerd runtime handler name; the `kata` RuntimeClass points at it. */
const KATA_HANDLER = LOCAL_RUNTIME_CLASSES.kata.handler;

export function kataScript(): string {
  return bashScript(
    "Installs Kata Containers at the pinned release, verified against the repository's SHA-256 pin, and registers it with containerd (idempotent).",
    { KATA_VERSION: KATA.version, KATA_URL: KATA.tarball.url, KATA_SHA256: KATA.tarball.digest, HANDLER: KATA_HANDLER },
    BODY,
  );
}

const BODY = String.raw`
CONTAINERD_CONFIG=/etc/containerd/config.toml
MARKER=/opt/kata/.clusterkit-sha256

if [ "$(uname -m)" != "x86_64" ]; then
  echo "clusterkit: Kata is pinned for x86_64 only, this node is $(uname -m)" >&2
  exit 1
fi
# Hardware virtualization inside this VM: VirtualBox's nested VT-x/AMD-V.
if ! grep -qE '^flags.*\b(vmx|svm)\b' /proc/cpuinfo || [ ! -c /dev/kvm ]; then
  modprobe kvm_intel 2>/dev/null || modprobe kvm_amd 2>/dev/null || true
fi
if ! grep -qE '^flags.*\b(vmx|svm)\b' /proc/cpuinfo || [ ! -c /dev/kvm ]; then
  echo "clusterkit: this VM has no hardware virtualization (no vmx/svm CPU flag or no /dev/kvm), which Kata needs." >&2
  echo "clusterkit: turn on nested virtualization for it (VBoxManage modifyvm $(hostname) --nested-hw-virt on, VM powered off; the deploy does this when runtimes.kata.enabled), then boot it again: this step resumes." >&2
  exit 1
fi
modprobe vhost_vsock
modprobe vhost_net
printf 'vhost_vsock\nvhost_net\n' | atomic_write /etc/modules-load.d/clusterkit-kata.conf 0644

if [ "$(cat "$MARKER" 2>/dev/null)" != "$KATA_SHA256" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  retry 5 curl -fsSL -o "$work/kata.tar.zst" "$KATA_URL"
  # The digest comes from the repository, not from the server that served the file.
  if ! printf '%s  %s\n' "$KATA_SHA256" "$work/kata.tar.zst" | sha256sum -c -; then
    echo "clusterkit: Kata $KATA_VERSION does not match the SHA-256 pinned in the repository; refusing to install it" >&2
    exit 1
  fi
  # The release unpacks under /opt/kata only; refuse an archive that reaches anywhere else.
  if tar --zstd -tf "$work/kata.tar.zst" | grep -Ev '^(\./)?(opt/?|opt/kata(/.*)?)?$' | grep -q .; then
    echo "clusterkit: the Kata archive has entries outside /opt/kata; refusing to unpack it" >&2
    exit 1
  fi
  rm -rf /opt/kata
  tar --zstd -xf "$work/kata.tar.zst" -C / --no-same-owner
  printf '%s\n' "$KATA_SHA256" >"$MARKER"
fi
# containerd finds the shim on its PATH by the runtime type io.containerd.kata.v2.
ln -sf /opt/kata/bin/containerd-shim-kata-v2 /usr/local/bin/containerd-shim-kata-v2
ln -sf /opt/kata/bin/kata-runtime /usr/local/bin/kata-runtime

if ! grep -qF "containerd.runtimes.$HANDLER]" "$CONTAINERD_CONFIG"; then
  {
    cat "$CONTAINERD_CONFIG"
    printf '\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s]\n  runtime_type = "io.containerd.kata.v2"\n  privileged_without_host_devices = true\n' "$HANDLER"
  } | atomic_write "$CONTAINERD_CONFIG" 0644
fi
systemctl restart containerd
# Kata's own check of this host (KVM, vhost, CPU features); a failure names what is missing.
/opt/kata/bin/kata-runtime check --no-network-checks
echo "clusterkit: Kata Containers $KATA_VERSION installed"
`;
