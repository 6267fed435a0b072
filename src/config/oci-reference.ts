/**
 * Container image references by the grammar containerd and the registries use
 * (github.com/distribution/reference, OCI image-spec digests): `[domain/]path[:tag][@digest]`.
 * A reference that breaks it would only fail on the node, as InvalidImageName, long after synth.
 */

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:]+\\])(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** Registered digest algorithms and their encoded lengths (OCI image-spec, descriptor.md). */
const DIGESTS: Readonly<Record<string, RegExp>> = { sha256: /^[a-f0-9]{64}$/, sha512: /^[a-f0-9]{128}$/ };
/** distribution/reference's limit on the name part. */
const NAME_MAX = 255;

export interface ImageReference {
  /** Registry host (and port), when the first component names one. */
  readonly domain?: string;
  readonly path: string;
  readonly tag?: string;
  /** `algorithm:hex`. */
  readonly digest?: string;
}

/** The parsed reference, or what is wrong with it. */
export function parseImageReference(ref: string): ImageReference | string {
  if (ref.length === 0) return "must not be empty";
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const [algorithm, hex, extra] = digest.split(":");
    if (extra !== undefined || !algorithm || hex === undefined) return "has a digest that is not algorithm:hex";
    const encoded = DIGESTS[algorithm];
    if (!encoded) return `has a digest with algorithm ${JSON.stringify(algorithm.slice(0, 20))}; use sha256 (64 hex digits) or sha512 (128)`;
    if (!encoded.test(hex))
      return `has a ${algorithm} digest that is not ${algorithm === "sha256" ? 64 : 128} lower-case hex digits (got ${hex.length} characters)`;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return "has a tag that is not 1-128 of letters, digits, '_', '.' and '-' (not starting with '.' or '-')";
  }
  if (rest.length > NAME_MAX) return `has a name longer than ${NAME_MAX} characters`;
  const parts = rest.split("/");
  let domain: string | undefined;
  // distribution's rule: the first component is a registry when it has a '.' or ':' or is localhost.
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === "localhost" || /[A-Z]/.test(parts[0]!))) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) return `has a registry host ${JSON.stringify(domain.slice(0, 60))} that is not a host name or address with an optional port`;
  }
  if (!parts.every((p) => PATH_COMPONENT.test(p)))
    return "has a repository path that is not lower-case letters and digits separated by '/', '.', '_', '__' or '-'";
  return { ...(domain ? { domain } : {}), path: parts.join("/"), ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * What is wrong with an image reference the config gives, or undefined: it must follow the grammar
 * and be pinned (an explicit tag other than `latest`, or a digest).
 */
export function imageReferenceProblem(ref: string): string | undefined {
  const parsed = parseImageReference(ref);
  if (typeof parsed === "string") return `must be an image reference like registry.example.com/team/app:1.2.3 or …@sha256:<64 hex>; it ${parsed}`;
  if (parsed.digest === undefined && (parsed.tag === undefined || parsed.tag === "latest"))
    return "must be a pinned image: an explicit tag other than 'latest', or a digest (@sha256:<64 hex>)";
  return undefined;
}
