/** Script: `kubeadm init` on the control plane with the Terraform-generated CA and token. */
import { bashScript } from "./shell";

export const KUBEADM_INIT_SCRIPT = "/usr/local/sbin/clusterkit-kubeadm-init.sh";

/**
 * Where the seed puts the cluster CA on the control plane. Not /etc/kubernetes/pki: `kubeadm reset`
 * (between init attempts) deletes that folder, so the CA is copied there before every attempt.
 */
export const STAGED_CA_CERT = "/etc/clusterkit/ca.crt";
export const STAGED_CA_KEY = "/etc/clusterkit/ca.key";

export interface InitScriptProps {
  readonly configPath: string;
  /** @default 3 */
  readonly initAttempts?: number;
}

export function kubeadmInitScript(p: InitScriptProps): string {
  return bashScript(
    "Initialises the control plane once (idempotent: skipped when admin.conf exists), retrying a failed init after kubeadm reset.",
    { KUBEADM_CONFIG: p.configPath, CA_CERT: STAGED_CA_CERT, CA_KEY: STAGED_CA_KEY, INIT_ATTEMPTS: p.initAttempts ?? 3 },
    BODY,
  );
}

const BODY = String.raw`
if [ -f /etc/kubernetes/admin.conf ]; then
  echo "clusterkit: control plane already initialised"
  exit 0
fi

for f in "$CA_CERT" "$CA_KEY"; do
  [ -s "$f" ] || { echo "clusterkit: $f is missing; the seed did not carry the cluster CA" >&2; exit 1; }
done

# kubeadm keeps an existing pki/ca.crt and ca.key and signs everything with them, which is what
# lets workers and the user's kubeconfig trust the cluster up front.
stage_ca() {
  install -d -m 0755 /etc/kubernetes/pki
  install -m 0644 "$CA_CERT" /etc/kubernetes/pki/ca.crt
  install -m 0600 "$CA_KEY" /etc/kubernetes/pki/ca.key
}

# Image pulls are the flaky, slow part; retry them separately from init.
retry 5 kubeadm config images pull --config "$KUBEADM_CONFIG"

# A transient failure (e.g. the kubelet health wait on a slow host) would otherwise leave a
# half-initialised control plane that cloud-init never retries.
attempt=1
while true; do
  stage_ca
  if kubeadm init --config "$KUBEADM_CONFIG"; then
    break
  fi
  if [ "$attempt" -ge "$INIT_ATTEMPTS" ]; then
    echo "clusterkit: kubeadm init failed $attempt times" >&2
    exit 1
  fi
  echo "clusterkit: kubeadm init attempt $attempt failed; resetting and retrying" >&2
  kubeadm reset --force
  attempt=$((attempt + 1))
  sleep 30
done

install -d -m 0700 /root/.kube
install -m 0600 /etc/kubernetes/admin.conf /root/.kube/config
echo "clusterkit: control plane initialised"
`;
