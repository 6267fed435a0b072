/**
 * The local image registry: Ubuntu's `docker-registry` (distribution 2.8) on the NFS node, storing
 * images on that VM's disk, listening on the host-only address only; and containerd on every
 * Kubernetes node told (registry hosts.toml) to pull from it over plain HTTP. `npm run deploy`
 * pushes the images this repository builds there before it applies the workloads that use them.
 */
import { LOCAL_REGISTRY_PORT } from "../../../src/contracts/ports";
import { DOCKER_REGISTRY_DEB } from "../../../src/config/upstream-artefacts";
import type { WriteFile } from "./cloud-config";

/** Ubuntu's package, pinned to one distribution line in the artefact table (the install step refuses any other major.minor). */
export const REGISTRY_DEB_VERSION = DOCKER_REGISTRY_DEB.version;

/** containerd reads per-registry hosts.toml files under this folder (CRI `config_path`). */
export const CONTAINERD_CERTS_DIR = "/etc/containerd/certs.d";

export const REGISTRY_CONFIG = "/etc/docker/registry/config.yml";
export const REGISTRY_STORAGE = "/var/lib/docker-registry";

/**
 * hosts.toml for `host`: pull and resolve from it over plain HTTP. containerd picks the file by
 * the image reference's registry (`<dir>/<host:port>/hosts.toml`); nothing else changes.
 */
export function registryHostsToml(host: string): string {
  const url = `http://${host}`;
  return `# clusterkit: the local registry on the NFS node (plain HTTP on the host-only network)\nserver = "${url}"\n\n[host."${url}"]\n  capabilities = ["pull", "resolve"]\n`;
}

export function registryHostsFile(host: string): WriteFile {
  return { path: `${CONTAINERD_CERTS_DIR}/${host}/hosts.toml`, content: registryHostsToml(host), permissions: "0644", owner: "root:root" };
}

/** distribution's config: host-only address, filesystem storage, no deletes, stale uploads purged. */
export function registryConfigYaml(listenIp: string): string {
  return [
    "# clusterkit: written by the NFS node's cloud-init seed",
    "version: 0.1",
    "log:",
    "  level: info",
    "  fields:",
    "    service: registry",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${REGISTRY_STORAGE}`,
    "  delete:",
    "    enabled: false",
    "  maintenance:",
    "    uploadpurging:",
    "      enabled: true",
    "      age: 168h",
    "      interval: 24h",
    "      dryrun: false",
    "http:",
    `  addr: ${listenIp}:${LOCAL_REGISTRY_PORT}`,
    "  headers:",
    "    X-Content-Type-Options: [nosniff]",
    "health:",
    "  storagedriver:",
    "    enabled: true",
    "    interval: 10s",
    "    threshold: 3",
    "",
  ].join("\n");
}
