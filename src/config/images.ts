/**
 * Every container image the charts use, pinned, in one place. Images that depend on the
 * Kubernetes minor (metrics-server, Calico) are looked up through `versions.ts`.
 * The code-execution service's own images (frontend, middleware, executors) are built by this
 * repository (images/, `npm run images -- build`) and referenced through `built-images.ts`.
 */
export const IMAGES = {
  flannel: "ghcr.io/flannel-io/flannel:v0.28.9",
  flannelCniPlugin: "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3",
  metricsServer: (version: string) => `registry.k8s.io/metrics-server/metrics-server:${version}`,
  /** The sandbox image kubeadm/containerd already pull (tag per minor in versions.ts `pauseTag`). */
  pause: (tag: string) => `registry.k8s.io/pause:${tag}`,
  nats: "docker.io/library/nats:2.14.2-alpine",
  natsConfigReloader: "docker.io/natsio/nats-server-config-reloader:0.23.0",
  oauth2Proxy: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
  nginx: "docker.io/nginxinc/nginx-unprivileged:1.29.1-alpine3.22",
  phpFpm: "docker.io/library/php:8.4.11-fpm-alpine3.22",
} as const;

/** True when an image reference is pinned: an explicit tag other than `latest`, or a digest. */
export function isPinnedImage(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const lastSlash = ref.lastIndexOf("/");
  const tagSep = ref.indexOf(":", lastSlash + 1);
  if (tagSep < 0) return false;
  const tag = ref.slice(tagSep + 1);
  return tag.length > 0 && tag !== "latest";
}
