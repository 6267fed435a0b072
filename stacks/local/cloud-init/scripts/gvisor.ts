/** Script: installs gVisor (runsc) and registers it with containerd for sandboxed executor Pods. */
import { bashScript } from "./shell";

export const GVISOR_SCRIPT = "/usr/local/sbin/clusterkit-gvisor.sh";
/** containerd runtime handler name; the RuntimeClass in the charts points at it. */
export const GVISOR_HANDLER = "runsc";

export function gvisorScript(release: string): string {
  return bashScript(
    "Installs gVisor and registers the runsc runtime in containerd (idempotent).",
    { GVISOR_RELEASE: release, HANDLER: GVISOR_HANDLER },
    BODY,
  );
}

const BODY = String.raw`
CONTAINERD_CONFIG=/etc/containerd/config.toml
if [ "$(uname -m)" != "x86_64" ]; then
  echo "clusterkit: gVisor binaries are fetched for x86_64 only, this node is $(uname -m)" >&2
  exit 1
fi
URL="https://storage.googleapis.com/gvisor/releases/release/$GVISOR_RELEASE/x86_64"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
for bin in runsc containerd-shim-runsc-v1; do
  retry 5 curl -fsSLO "$URL/$bin"
  retry 5 curl -fsSLO "$URL/$bin.sha512"
done
# The .sha512 files are in sha512sum format; refuse to install anything that does not match.
sha512sum -c runsc.sha512 containerd-shim-runsc-v1.sha512
install -m 0755 runsc containerd-shim-runsc-v1 /usr/local/bin/

# containerd 1.7 (config version 2): a new runtime table may be appended after the defaults.
# Appended to a copy that replaces the file in one step, never in place.
if ! grep -qF "containerd.runtimes.$HANDLER]" "$CONTAINERD_CONFIG"; then
  {
    cat "$CONTAINERD_CONFIG"
    printf '\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s]\n  runtime_type = "io.containerd.runsc.v1"\n' "$HANDLER"
  } | atomic_write "$CONTAINERD_CONFIG" 0644
fi
systemctl restart containerd
echo "clusterkit: gVisor $GVISOR_RELEASE installed"
`;
