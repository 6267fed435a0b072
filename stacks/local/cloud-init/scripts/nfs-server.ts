/** Script: the NFS node's export. */
import { bashScript } from "./shell";

export const NFS_SERVER_SCRIPT = "/usr/local/sbin/clusterkit-nfs-server.sh";

export function nfsServerScript(exportPath: string, clients: string): string {
  return bashScript("Exports the shared directory to the host-only network.", { EXPORT_PATH: exportPath, CLIENTS: clients }, BODY);
}

const BODY = String.raw`
# all_squash with anonuid/anongid 65534 (nobody:nogroup): Pods under Pod Security "restricted" run
# as arbitrary non-root UIDs, and node root must not act as root on the share. Squashing every client
# user to one owner keeps the directory writable for any Pod while granting no one more than nobody.
install -d -m 0775 -o 65534 -g 65534 "$EXPORT_PATH"
install -d -m 0755 /etc/exports.d
echo "$EXPORT_PATH $CLIENTS(rw,sync,no_subtree_check,all_squash,anonuid=65534,anongid=65534)" | atomic_write /etc/exports.d/clusterkit.exports 0644
systemctl enable nfs-kernel-server
systemctl restart nfs-kernel-server
exportfs -ra
exportfs -v
`;
