/** Script: `kubeadm init` on the control plane with the Terraform-generated CA and token. */
import { bashScript } from "./shell";

export const KUBEADM_INIT_SCRIPT = "/usr/local/sbin/clusterkit-kubeadm-init.sh";

export function kubeadmInitScript(configPath: string): string {
  return bashScript("Initialises the control plane once (idempotent: skipped when admin.conf exists).", { KUBEADM_CONFIG: configPath }, BODY);
}

const BODY = String.raw`
if [ -f /etc/kubernetes/admin.conf ]; then
  echo "clusterkit: control plane already initialised"
  exit 0
fi

# cloud-init wrote the cluster CA before this runs; kubeadm keeps an existing ca.crt/ca.key and
# signs everything with it, which is what lets workers and the user's kubeconfig trust it up front.
for f in /etc/kubernetes/pki/ca.crt /etc/kubernetes/pki/ca.key; do
  [ -s "$f" ] || { echo "clusterkit: $f is missing; the seed did not carry the cluster CA" >&2; exit 1; }
done

# Image pulls are the flaky, slow part; retry them separately from init.
retry 5 kubeadm config images pull --config "$KUBEADM_CONFIG"
kubeadm init --config "$KUBEADM_CONFIG"

install -d -m 0700 /root/.kube
install -m 0600 /etc/kubernetes/admin.conf /root/.kube/config
echo "clusterkit: control plane initialised"
`;
