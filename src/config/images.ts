/**
 * Every container image the charts use, as the references the manifests carry, from the artefact
 * table (`upstream-artefacts.ts`). Images that depend on the Kubernetes minor (metrics-server,
 * pause) are looked up by the version `versions.ts` chooses. The code-execution service's own
 * images (frontend, middleware, executors) are built by this repository (images/,
 * `npm run images -- build`) and referenced through `built-images.ts`.
 */
import { CHART_IMAGES, type ImageArtefact, imageRef, METRICS_SERVER, PAUSE } from "./upstream-artefacts";

function lookup(table: Readonly<Record<string, ImageArtefact>>, what: string, key: string): string {
  const entry = table[key];
  if (!entry) throw new Error(`no ${what} ${key} in src/config/upstream-artefacts.ts (known: ${Object.keys(table).join(", ")})`);
  return imageRef(entry);
}

export const IMAGES = {
  flannel: imageRef(CHART_IMAGES.flannel),
  flannelCniPlugin: imageRef(CHART_IMAGES.flannelCniPlugin),
  metricsServer: (version: string) => lookup(METRICS_SERVER, "metrics-server release", version),
  /** The sandbox image kubeadm/containerd already pull (tag per minor in versions.ts `pauseTag`). */
  pause: (tag: string) => lookup(PAUSE, "pause tag", tag),
  nats: imageRef(CHART_IMAGES.nats),
  natsConfigReloader: imageRef(CHART_IMAGES.natsConfigReloader),
  oauth2Proxy: imageRef(CHART_IMAGES.oauth2Proxy),
  nginx: imageRef(CHART_IMAGES.nginx),
  phpFpm: imageRef(CHART_IMAGES.phpFpm),
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
