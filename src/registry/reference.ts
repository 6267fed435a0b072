/** Image references: `<registry host[:port]>/<repository>[:<tag>][@sha256:<hex>]`. */
import { DIGEST } from "./oci";

export interface ImageReference {
  /** `host[:port]` of the registry. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `clusterkit/frontend`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const REGISTRY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Parses a fully qualified reference (the registry host is required); undefined when it is not one. */
export function parseReference(ref: string): ImageReference | undefined {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  const registry = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = repository.lastIndexOf(":");
  if (colon >= 0) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!REGISTRY.test(registry) || !(registry.includes(".") || registry.includes(":") || registry === "localhost")) return undefined;
  if (!REPOSITORY.test(repository)) return undefined;
  if (!tag && !digest) return undefined;
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
