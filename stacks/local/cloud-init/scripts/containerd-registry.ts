/**
 * Script (Kubernetes nodes, after node preparation): points containerd's CRI registry config at
 * the hosts.toml folder, where the seed put the local registry's file, and restarts containerd.
 */
import { bashScript } from "./shell";

export const CONTAINERD_REGISTRY_SCRIPT = "/usr/local/sbin/clusterkit-containerd-registry.sh";

export function containerdRegistryScript(certsDir: string, registryHost: string, containerdConfig = "/etc/containerd/config.toml"): string {
  return bashScript(
    "Lets containerd pull from the local registry: CRI config_path -> the hosts.toml folder.",
    { CONTAINERD_CONFIG: containerdConfig, CERTS_DIR: certsDir, REGISTRY_HOST: registryHost },
    BODY,
  );
}

const BODY = String.raw`
hosts="$CERTS_DIR/$REGISTRY_HOST/hosts.toml"
[ -s "$hosts" ] || { echo "clusterkit: $hosts is missing; the seed did not carry the registry config" >&2; exit 1; }
# containerd config v2 (1.6/1.7) has exactly one config_path, in the CRI registry section.
sed -i -E 's#^([[:space:]]*config_path[[:space:]]*=).*#\1 "'"$CERTS_DIR"'"#' "$CONTAINERD_CONFIG"
grep -qF "config_path = \"$CERTS_DIR\"" "$CONTAINERD_CONFIG" || { echo "clusterkit: could not set the CRI registry config_path in $CONTAINERD_CONFIG" >&2; exit 1; }
systemctl restart containerd
echo "clusterkit: containerd pulls $REGISTRY_HOST images over plain HTTP ($hosts)"
`;
