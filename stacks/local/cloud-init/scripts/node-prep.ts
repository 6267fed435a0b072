/** Script: turns a fresh Ubuntu VM into a kubeadm-ready node (control plane and workers). */
import { IMAGES } from "../../../../src/config/images";
import { KUBERNETES_APT } from "../../../../src/config/upstream-artefacts";
import type { KubernetesRelease } from "../../../../src/config/versions";
import { bashScript } from "./shell";

export const NODE_PREP_SCRIPT = "/usr/local/sbin/clusterkit-node-prep.sh";

/** `minor` is the Kubernetes minor (pkgs.k8s.io has one repository per minor). */
export function nodePrepScript(minor: string, release: KubernetesRelease): string {
  return bashScript(
    "Prepares a Kubernetes node: swap off, kernel modules, sysctls, containerd, kubeadm/kubelet/kubectl.",
    { K8S_APT_REPOSITORY: KUBERNETES_APT.repository(minor), K8S_DEB_VERSION: release.debVersion, PAUSE_IMAGE: IMAGES.pause(release.pauseTag) },
    BODY,
  );
}

const BODY = String.raw`
KEYRING=/etc/apt/keyrings/kubernetes-apt-keyring.gpg
CONTAINERD_CONFIG=/etc/containerd/config.toml

# kubelet refuses to start with swap on; comment swap out of fstab too so a reboot keeps it off.
swapoff -a
sed -i -E '/^[^#].*[[:space:]]swap[[:space:]]/ s/^/#/' /etc/fstab

# overlay/br_netfilter (/etc/modules-load.d) and the bridge/forward sysctls (/etc/sysctl.d) are
# persisted by cloud-init's write_files; load and apply them now.
modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

# containerd (installed by the packages step): kubelet uses the systemd cgroup driver, so containerd
# must too, and the sandbox (pause) image must be the one this kubeadm version expects. The config is
# generated and checked aside, then moved into place: a failure never leaves an empty config.toml.
command -v containerd >/dev/null || { echo "clusterkit: containerd is not installed (the packages step should have installed it)" >&2; exit 1; }
install -d -m 0755 /etc/containerd
generated=$(mktemp)
containerd config default >"$generated"
sed -i -E 's/^([[:space:]]*SystemdCgroup[[:space:]]*=).*/\1 true/' "$generated"
sed -i -E 's#^([[:space:]]*sandbox_image[[:space:]]*=).*#\1 "'"$PAUSE_IMAGE"'"#' "$generated"
grep -q 'SystemdCgroup = true' "$generated" || { echo "clusterkit: could not set SystemdCgroup in $CONTAINERD_CONFIG" >&2; exit 1; }
grep -qF "sandbox_image = \"$PAUSE_IMAGE\"" "$generated" || { echo "clusterkit: could not set sandbox_image in $CONTAINERD_CONFIG" >&2; exit 1; }
atomic_write "$CONTAINERD_CONFIG" 0644 <"$generated"
rm -f "$generated"
systemctl enable containerd
systemctl restart containerd

# kubeadm, kubelet and kubectl from pkgs.k8s.io (one repository per minor), pinned and held so an
# apt upgrade never moves the node to another version behind kubeadm's back.
install -d -m 0755 /etc/apt/keyrings /etc/apt/sources.list.d
key=$(mktemp)
retry 5 curl -fsSL "$K8S_APT_REPOSITORY"Release.key -o "$key"
gpg --batch --yes --dearmor <"$key" | atomic_write "$KEYRING" 0644
rm -f "$key"
echo "deb [signed-by=$KEYRING] $K8S_APT_REPOSITORY /" | atomic_write /etc/apt/sources.list.d/kubernetes.list 0644
retry 5 apt-get update -q
retry 5 apt-get install -y -q "kubelet=$K8S_DEB_VERSION" "kubeadm=$K8S_DEB_VERSION" "kubectl=$K8S_DEB_VERSION"
apt-mark hold kubelet kubeadm kubectl
systemctl enable kubelet
`;
