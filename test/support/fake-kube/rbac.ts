/**
 * Kubernetes RBAC as the API server evaluates a namespaced Role: a request's attributes (verb,
 * resource, subresource, namespace, name) from its method, path and query, and whether any rule
 * of the Role allows them. The 403 body is the API server's own Status.
 */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

export interface RequestAttributes {
  readonly verb: string;
  /** "" for the core group. */
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Set for paths that name no resource (/version, /apis...). */
  readonly nonResourcePath?: string;
}

/** Request info as the API server derives it (core group and named groups). */
export function requestAttributes(method: string, url: URL): RequestAttributes {
  // Segments are percent-decoded, as the API server does (client-node encodes `pod:port` in proxy paths).
  const parts = url.pathname
    .split("/")
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  let i: number;
  let apiGroup: string;
  if (parts[0] === "api" && parts.length >= 2) {
    apiGroup = "";
    i = 2;
  } else if (parts[0] === "apis" && parts.length >= 3) {
    apiGroup = parts[1]!;
    i = 3;
  } else return { verb: method.toLowerCase(), apiGroup: "", resource: "", nonResourcePath: url.pathname };
  let watchPath = false;
  if (parts[i] === "watch") {
    watchPath = true;
    i++;
  }
  let namespace: string | undefined;
  if (parts[i] === "namespaces" && parts.length > i + 2) {
    namespace = parts[i + 1];
    i += 2;
  }
  const [resource = "", name, subresource] = parts.slice(i);
  if (!resource) return { verb: method.toLowerCase(), apiGroup, resource: "", nonResourcePath: url.pathname };
  const watch = watchPath || ["true", "1"].includes(url.searchParams.get("watch") ?? "");
  const verb =
    method === "GET" || method === "HEAD"
      ? name
        ? watch
          ? "watch"
          : "get"
        : watch
          ? "watch"
          : "list"
      : method === "POST"
        ? "create"
        : method === "PUT"
          ? "update"
          : method === "PATCH"
            ? "patch"
            : method === "DELETE"
              ? name
                ? "delete"
                : "deletecollection"
              : method.toLowerCase();
  return { verb, apiGroup, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (a.nonResourcePath) return false;
  const has = (list: readonly string[] | undefined, v: string) => (list ?? []).includes("*") || (list ?? []).includes(v);
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.apiGroup) || !has(rule.resources, res)) return false;
  if (rule.resourceNames && rule.resourceNames.length) return a.name !== undefined && rule.resourceNames.includes(a.name);
  return true;
}

export interface Grant {
  /** The namespace of the Role (and RoleBinding); undefined for a ClusterRole bound cluster-wide. */
  readonly namespace?: string;
  readonly rules: readonly PolicyRule[];
}

export function allowed(grants: readonly Grant[], a: RequestAttributes): boolean {
  return grants.some((g) => (g.namespace === undefined || a.namespace === g.namespace) && g.rules.some((r) => ruleAllows(r, a)));
}

export function forbiddenMessage(user: string, a: RequestAttributes): string {
  if (a.nonResourcePath) return `forbidden: User "${user}" cannot ${a.verb} path "${a.nonResourcePath}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const what = a.name ? `${a.resource} "${a.name}" is forbidden` : `${a.resource} is forbidden`;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : " at the cluster scope";
  return `${what}: User "${user}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"${where}`;
}
