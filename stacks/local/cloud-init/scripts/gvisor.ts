/**
 * Script: installs gVisor (runsc and its containerd shim) at the pinned release, each binary
 * checked against the SHA-512 pinned in the repository (src/config/runtime-releases.ts), and
 * registers the `runsc` runtime with containerd (systrap platform: no virtualization needed).
 */
import { GVISOR } from "../../../../src/config/runtime-releases";
import { LOCAL_RUNTIME_CLASSES } from "../../../../src/contracts/runtimes";
import { bashScript } from "./shell";

export const GVISOR_SCRIPT = "/usr/local/sbin/clusterkit-gvisor.sh";
/** containerd runtime handler name; the RuntimeClass in the charts points at it. */
const GVISOR_HANDLER = LOCAL_RUNTIME_CLASSES.gvisor.handler;
/** The shim's own options file (platform). */
const RUNSC_CONFIG = "/etc/containerd/runsc.toml";

export function gvisorScript(): string {
  return bashScript(
    "Installs gVisor at the pinned release, verified against the repository's SHA-512 pins, and registers runsc with containerd (idempotent).",
    {
      GVISOR_RELEASE: GVISOR.release,
      RUNSC_URL: GVISOR.runsc.url,
      RUNSC_SHA512: GVISOR.runsc.digest,
      SHIM_URL: GVISOR.shim.url,
      SHIM_SHA512: GVISOR.shim.digest,
      HANDLER: GVISOR_HANDLER,
      RUNSC_CONFIG,
    },
    BODY,
  );
}

const BODY = String.raw`
CONTAINERD_CONFIG=/etc/containerd/config.toml
if [ "$(uname -m)" != "x86_64" ]; then
  echo "clusterkit: gVisor is pinned for x86_64 only, this node is $(uname -m)" >&2
  exit 1
fi

installed() {
  [ -x /usr/local/bin/runsc ] && [ -x /usr/local/bin/containerd-shim-runsc-v1 ] &&
    printf '%s  %s\n%s  %s\n' "$RUNSC_SHA512" /usr/local/bin/runsc "$SHIM_SHA512" /usr/local/bin/containerd-shim-runsc-v1 | sha512sum --quiet -c - >/dev/null 2>&1
}

if ! installed; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  retry 5 curl -fsSL -o "$work/runsc" "$RUNSC_URL"
  retry 5 curl -fsSL -o "$work/containerd-shim-runsc-v1" "$SHIM_URL"
  # The digests come from the repository, not from the server that served the files.
  if ! printf '%s  %s\n%s  %s\n' "$RUNSC_SHA512" "$work/runsc" "$SHIM_SHA512" "$work/containerd-shim-runsc-v1" | sha512sum -c -; then
    echo "clusterkit: gVisor $GVISOR_RELEASE does not match the SHA-512 pinned in the repository; refusing to install it" >&2
    exit 1
  fi
  install -m 0755 "$work/runsc" "$work/containerd-shim-runsc-v1" /usr/local/bin/
fi

printf '[runsc_config]\n  platform = "systrap"\n' | atomic_write "$RUNSC_CONFIG" 0644

# containerd 1.7 (config version 2): a new runtime table may be appended after the defaults.
# Appended to a copy that replaces the file in one step, never in place.
if ! grep -qF "containerd.runtimes.$HANDLER]" "$CONTAINERD_CONFIG"; then
  {
    cat "$CONTAINERD_CONFIG"
    printf '\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s]\n  runtime_type = "io.containerd.runsc.v1"\n' "$HANDLER"
    printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s.options]\n  TypeUrl = "io.containerd.runsc.v1.options"\n  ConfigPath = "%s"\n' "$HANDLER" "$RUNSC_CONFIG"
  } | atomic_write "$CONTAINERD_CONFIG" 0644
fi
systemctl restart containerd
echo "clusterkit: gVisor $GVISOR_RELEASE installed ($(/usr/local/bin/runsc --version | head -n1))"
`;
