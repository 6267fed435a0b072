/**
 * Script (control plane, run by hand): makes the Terraform-generated bootstrap token valid for
 * another TTL, for workers added after the first one expired.
 */
import { bashScript } from "./shell";

export const BOOTSTRAP_TOKEN_SCRIPT = "/usr/local/sbin/clusterkit-bootstrap-token.sh";

export function bootstrapTokenScript(configPath: string, ttl: string): string {
  return bashScript("Re-creates the cluster's bootstrap token (from the kubeadm config) with a fresh TTL.", { KUBEADM_CONFIG: configPath, TTL: ttl }, BODY);
}

const BODY = String.raw`
export KUBECONFIG=/etc/kubernetes/admin.conf
token=$(awk '($1 == "token:" || $2 == "token:") { print $NF; exit }' "$KUBEADM_CONFIG")
if [ -z "$token" ]; then
  echo "clusterkit: no bootstrap token in $KUBEADM_CONFIG" >&2
  exit 1
fi
token_id=$(printf '%s' "$token" | cut -d. -f1)
kubeadm token delete "$token_id" >/dev/null 2>&1 || true
kubeadm token create "$token" --ttl "$TTL" >/dev/null
echo "clusterkit: bootstrap token $token_id valid for $TTL"
`;
