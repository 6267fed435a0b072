/**
 * Ports more than one layer names: the nodes listen on them (stacks), the manifests allow them
 * (NetworkPolicies), deploy and verify connect to them, the diagram draws them.
 * test/contracts/ports.test.ts checks the listening side against the connecting side.
 */

/** kube-apiserver's secure port (kubeadm's bindPort; ACK's API server listens on it too). */
export const API_SERVER_PORT = 6443;

/** The local image registry on the NFS node (docker-registry's `http.addr`), which every node's containerd pulls from. */
export const LOCAL_REGISTRY_PORT = 5000;
