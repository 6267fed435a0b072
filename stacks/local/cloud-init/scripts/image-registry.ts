/** Script (NFS node): installs and starts the local image registry (see ../registry.ts). */
import { bashScript } from "./shell";

export const IMAGE_REGISTRY_SCRIPT = "/usr/local/sbin/clusterkit-image-registry.sh";

export interface ImageRegistryScriptProps {
  /** Where cloud-init wrote the registry's config. */
  readonly configPath: string;
  readonly debVersion: string;
  /** `http://<ip>:<port>/v2/`, polled until it answers. */
  readonly checkUrl: string;
  readonly storage: string;
}

export function imageRegistryScript(p: ImageRegistryScriptProps): string {
  return bashScript(
    "Installs Ubuntu's docker-registry (distribution 2.8) and serves images from this VM's disk.",
    { REGISTRY_CONFIG: p.configPath, DEB_VERSION: p.debVersion, CHECK_URL: p.checkUrl, STORAGE: p.storage },
    BODY,
  );
}

const BODY = String.raw`
[ -s "$REGISTRY_CONFIG" ] || { echo "clusterkit: $REGISTRY_CONFIG is missing; the seed did not carry the registry config" >&2; exit 1; }
retry 5 apt-get update -q
# Our config.yml (write_files) is already in place: keep it over the package's default conffile.
retry 5 apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "docker-registry=$DEB_VERSION"
installed=$(dpkg-query -W -f='${"$"}{Version}' docker-registry)
case "$installed" in
  2.8.*) ;;
  *) echo "clusterkit: docker-registry $installed installed, expected $DEB_VERSION" >&2; exit 1 ;;
esac
apt-mark hold docker-registry

install -d -m 0750 -o docker-registry -g docker-registry "$STORAGE"
systemctl enable docker-registry
systemctl restart docker-registry

# Ready when the API answers; deploy pushes here right after the cluster is up.
for _ in $(seq 1 30); do
  if curl -fsS --max-time 3 "$CHECK_URL" >/dev/null; then
    echo "clusterkit: image registry $installed answers at $CHECK_URL"
    exit 0
  fi
  sleep 2
done
echo "clusterkit: the image registry did not answer at $CHECK_URL" >&2
systemctl status --no-pager docker-registry >&2 || true
exit 1
`;
