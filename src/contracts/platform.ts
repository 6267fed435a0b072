/**
 * Names of the platform's objects that something outside the charts looks for: verify finds the
 * web app, its volume and the CNI by these; the load generator counts pods by the header.
 */

/** The demo web app: Deployment, Service, HPA and namespace label. */
export const WEB_APP_NAME = "web";
/** Document root of the web app, where the shared claim is mounted. */
export const WEB_ROOT = "/var/www/html";
/** Header naming the pod that served a page (the demo page sets it; loadgen and verify count pods by it). */
export const SERVED_BY_HEADER = "X-Served-By";
/** Name of the web content PersistentVolume and of the claim bound to it. */
export const WEB_CONTENT_VOLUME = "web-content";
/** Flannel's namespace (its DaemonSet lives there). */
export const FLANNEL_NAMESPACE = "kube-flannel";
/** Flannel's node agent DaemonSet (ours locally; ACK's flannel uses the same name in kube-system). */
export const FLANNEL_DAEMONSET = "kube-flannel-ds";
