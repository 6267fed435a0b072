/** Script: joins a worker once the control plane answers, trusting only the cluster CA. */
import { bashScript } from "./shell";

export const KUBEADM_JOIN_SCRIPT = "/usr/local/sbin/clusterkit-kubeadm-join.sh";

export interface JoinScriptProps {
  /** https://<control plane>:6443 */
  readonly apiServer: string;
  /** CA certificate used to verify the API server while waiting. */
  readonly caFile: string;
  readonly configPath: string;
  /**
   * How long to wait for the API server: a cold control plane pulls images and runs kubeadm init.
   * @default 1800
   */
  readonly waitSeconds?: number;
  /** @default 10 */
  readonly joinAttempts?: number;
}

export function kubeadmJoinScript(p: JoinScriptProps): string {
  return bashScript(
    "Waits for the API server (verified against the cluster CA), then joins this node with retries.",
    { API_SERVER: p.apiServer, CA_FILE: p.caFile, KUBEADM_CONFIG: p.configPath, WAIT_SECONDS: p.waitSeconds ?? 1800, JOIN_ATTEMPTS: p.joinAttempts ?? 10 },
    BODY,
  );
}

const BODY = String.raw`
if [ -f /etc/kubernetes/kubelet.conf ]; then
  echo "clusterkit: node already joined"
  exit 0
fi

# Workers usually boot faster than the control plane finishes kubeadm init. /readyz is readable
# anonymously on kubeadm clusters; --cacert makes this wait trust nothing but the cluster CA.
deadline=$(($(date +%s) + WAIT_SECONDS))
until curl -fsS --max-time 5 --cacert "$CA_FILE" "$API_SERVER/readyz" >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "clusterkit: $API_SERVER/readyz did not answer within $WAIT_SECONDS s" >&2
    exit 1
  fi
  sleep 10
done

attempt=1
until kubeadm join --config "$KUBEADM_CONFIG"; do
  if [ "$attempt" -ge "$JOIN_ATTEMPTS" ]; then
    echo "clusterkit: kubeadm join failed $attempt times" >&2
    exit 1
  fi
  # Clear the half-joined state (kubelet.conf, manifests) so the next attempt starts clean.
  kubeadm reset --force
  attempt=$((attempt + 1))
  sleep 30
done
echo "clusterkit: node joined"
`;
