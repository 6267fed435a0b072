/**
 * A fake Kubernetes API server for the middleware's tests, over HTTPS (client-node refuses plain
 * http). It serves exactly what the SYNTHESIZED Role allows its ServiceAccount — every request is
 * authorized against those rules and anything else gets the API server's 403 Status — and behaves
 * like the real one where the middleware depends on it:
 *  - Pods are validated with kubernetes-models (422 Invalid) and against Pod Security `restricted`
 *    when the namespace is labelled so (403, test/support/pod-security.ts);
 *  - the ResourceQuota `pods` count of the synthesized Terminating-scoped quota is enforced on
 *    non-terminal Pods with a deadline (403 "exceeded quota");
 *  - deterministic names: a second create is 409 AlreadyExists;
 *  - list with label selectors and a resourceVersion, watch streaming ADDED/MODIFIED/DELETED
 *    from a resourceVersion (410 Gone when it is older than what is kept), pods/log per container;
 *  - ClusterRoles bound by ClusterRoleBindings grant cluster-wide; namespaces create/get/delete
 *    (deleting one deletes its Pods); a Pod naming a RuntimeClass that is not among the objects is
 *    refused as admission does (403 "pod rejected: RuntimeClass ... not found"); `pods/proxy`
 *    reaches what the runner serves (503 "connection refused" until it serves).
 * What happens to a created Pod is a pluggable PodRunner (scripted in the fast tier).
 *
 * Usage: `const api = await FakeKubeApi.start({ objects: synthFaas(env).all, runner }); const kc = api.kubeConfig();`
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig, type V1Pod, type V1PodStatus } from "@kubernetes/client-node";
import { builtInModel, type ManifestObject } from "../k8s-validate";
import { restrictedViolations } from "../pod-security";
import { selfSignedCert } from "./cert";
import { allowed, forbiddenMessage, type Grant, type PolicyRule, requestAttributes } from "./rbac";

export interface PodControl {
  /** Merges into the Pod's status and emits MODIFIED (no-op once the Pod is deleted). */
  setStatus(status: V1PodStatus): void;
  /** The text `pods/log?container=<name>` returns. */
  setLog(container: string, text: string): void;
  /** Answers `pods/proxy` on `port` (path → body) from now on; undefined stops answering. */
  serve?(port: number, handler: ((path: string) => string) | undefined): void;
  readonly deleted: boolean;
}

export interface PodRunner {
  /** Called once per created Pod; drives its status through `ctl`. */
  start(pod: V1Pod, ctl: PodControl): void;
}

interface Watcher {
  readonly namespace: string;
  readonly selector: string;
  readonly res: ServerResponse;
}

interface StoredEvent {
  readonly rv: number;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly pod: V1Pod;
}

/** Annotations of one object may total at most this many bytes (apimachinery's TotalAnnotationSizeLimitB). */
const ANNOTATION_LIMIT = 256 * 1024;

export interface FakeKubeOptions {
  /** Synthesized objects: Roles/RoleBindings, PodTemplates, ResourceQuotas and Namespaces are used. */
  readonly objects: readonly ManifestObject[];
  readonly runner: PodRunner;
  /** ServiceAccount `namespace/name` the bearer token stands for. @default the subject of the first RoleBinding */
  readonly serviceAccount?: string;
  /** Watch events older than this many are forgotten (a watch from before them gets 410 Gone). @default 10000 */
  readonly keepEvents?: number;
  /** Refuse Pods naming a RuntimeClass absent from `objects` even when it holds none. @default only when it holds some */
  readonly runtimeClassesKnown?: boolean;
}

type Json = Record<string, any>;

export class FakeKubeApi {
  readonly token = `fake-${randomUUID()}`;
  /** Every request: RBAC verb, path and query, status code (0 while a watch is still streaming). */
  readonly requests: { verb: string; path: string; code: number }[] = [];
  readonly pods = new Map<string, V1Pod>();
  /** Every Pod ever created, by namespace/name, in order (never forgotten: proves "created once"). */
  readonly created: string[] = [];
  private readonly logs = new Map<string, Map<string, string>>();
  private readonly events: StoredEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;
  private server!: Server;
  private url = "";
  private ca = "";
  private readonly grants: Grant[];
  private readonly user: string;
  private readonly templates: Map<string, Json>;
  private readonly quotas: { namespace: string; name: string; pods: number }[];
  private readonly restricted: Set<string>;
  private readonly runtimeClasses: Set<string> | undefined;
  readonly namespaces = new Map<string, Json>();
  private readonly servers = new Map<string, Map<number, (path: string) => string>>();
  /** Set to make the API unreachable-ish: every request gets 503. */
  unavailable = false;

  private constructor(private readonly opts: FakeKubeOptions) {
    const objs = opts.objects as unknown as Json[];
    const bindings = objs.filter((o) => o.kind === "RoleBinding");
    const sa =
      opts.serviceAccount ??
      (() => {
        const s = bindings[0]?.subjects?.[0];
        return s ? `${s.namespace}/${s.name}` : "default/default";
      })();
    const [saNs, saName] = sa.split("/");
    this.user = `system:serviceaccount:${saNs}:${saName}`;
    const subjectIsUs = (b: Json) => (b.subjects ?? []).some((s: Json) => s.kind === "ServiceAccount" && s.namespace === saNs && s.name === saName);
    this.grants = [
      ...bindings
        .filter((b) => subjectIsUs(b) && b.roleRef.kind === "Role")
        .map((b) => {
          const role = objs.find((o) => o.kind === "Role" && o.metadata.name === b.roleRef.name && o.metadata.namespace === b.metadata.namespace);
          return { namespace: b.metadata.namespace as string, rules: (role?.rules ?? []) as PolicyRule[] };
        }),
      ...objs
        .filter((b) => b.kind === "ClusterRoleBinding" && subjectIsUs(b) && b.roleRef.kind === "ClusterRole")
        .map((b) => ({ rules: (objs.find((o) => o.kind === "ClusterRole" && o.metadata.name === b.roleRef.name)?.rules ?? []) as PolicyRule[] })),
    ];
    this.templates = new Map(objs.filter((o) => o.kind === "PodTemplate").map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    this.quotas = objs
      .filter((o) => o.kind === "ResourceQuota" && (o.spec?.scopes ?? []).includes("Terminating") && o.spec?.hard?.pods !== undefined)
      .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name, pods: Number(o.spec.hard.pods) }));
    this.restricted = new Set(
      objs.filter((o) => o.kind === "Namespace" && o.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted").map((o) => o.metadata.name),
    );
    for (const n of objs.filter((o) => o.kind === "Namespace")) this.namespaces.set(n.metadata.name, n);
    const classes = objs.filter((o) => o.kind === "RuntimeClass").map((o) => o.metadata.name as string);
    this.runtimeClasses = opts.runtimeClassesKnown || classes.length ? new Set(classes) : undefined;
  }

  static async start(opts: FakeKubeOptions): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(opts);
    const { key, cert } = selfSignedCert();
    api.ca = cert;
    api.server = createServer({ key, cert }, (req, res) => void api.handle(req, res));
    await new Promise<void>((r) => api.server.listen(0, "127.0.0.1", r));
    api.url = `https://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /** A kubeconfig for the ServiceAccount, trusting this server's certificate. */
  kubeConfig(token = this.token): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, caData: Buffer.from(this.ca).toString("base64"), skipTLSVerify: false }],
      users: [{ name: "sa", token }],
      contexts: [{ name: "fake", cluster: "fake", user: "sa" }],
      currentContext: "fake",
    });
    return kc;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Watches streaming now. */
  get openWatches(): number {
    return this.watchers.size;
  }

  /** Pods currently in a namespace (not deleted). */
  podsIn(namespace: string): V1Pod[] {
    return [...this.pods.values()].filter((p) => p.metadata?.namespace === namespace);
  }

  // ---------------------------------------------------------------------------------------------

  private status(res: ServerResponse, code: number, reason: string, message: string, details?: Json): void {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code }));
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const a = requestAttributes(req.method ?? "GET", url);
    // Logged on arrival (a watch never finishes); the status code is filled in when the response ends.
    const entry = { verb: a.verb, path: url.pathname + (url.search || ""), code: 0 };
    this.requests.push(entry);
    res.on("finish", () => (entry.code = res.statusCode));
    if (this.unavailable) return this.status(res, 503, "ServiceUnavailable", "the server is currently unable to handle the request");
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, "Unauthorized", "Unauthorized");
    if (!allowed(this.grants, a)) {
      const details = a.name ? { name: a.name, kind: a.resource } : { kind: a.resource };
      return this.status(res, 403, "Forbidden", forbiddenMessage(this.user, a), details);
    }
    if (a.resource === "namespaces" && !a.subresource) return this.namespaceRequest(req, res, a.verb, a.name);
    const ns = a.namespace!;
    const key = (name: string) => `${ns}/${name}`;
    const sub = a.subresource;
    try {
      if (a.resource === "podtemplates" && a.verb === "get") {
        const t = this.templates.get(key(a.name!));
        return t ? this.json(res, 200, t) : this.status(res, 404, "NotFound", `podtemplates "${a.name}" not found`, { name: a.name, kind: "podtemplates" });
      }
      if (a.resource !== "pods") return this.status(res, 404, "NotFound", "the server could not find the requested resource");
      if (a.verb === "create" && !sub) return this.create(res, ns, await this.body(req));
      if (a.verb === "list")
        return this.json(res, 200, {
          kind: "PodList",
          apiVersion: "v1",
          metadata: { resourceVersion: String(this.rv) },
          items: this.podsIn(ns).filter((p) => selects(url.searchParams.get("labelSelector") ?? "", p)),
        });
      if (a.verb === "watch") return this.watch(res, ns, url);
      if (a.verb === "get" && sub === "proxy") return this.proxy(res, ns, a.name!, url);
      const pod = this.pods.get(key(a.name!));
      if (!pod) return this.status(res, 404, "NotFound", `pods "${a.name}" not found`, { name: a.name, kind: "pods" });
      if (a.verb === "get" && !sub) return this.json(res, 200, pod);
      if (a.verb === "get" && sub === "log") return this.log(res, pod, url);
      if (a.verb === "delete" && !sub) {
        this.pods.delete(key(a.name!));
        this.emit("DELETED", pod);
        return this.json(res, 200, pod);
      }
      return this.status(res, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    } catch (err) {
      return this.status(res, 500, "InternalError", `fake API server: ${(err as Error).message}`);
    }
  }

  private create(res: ServerResponse, ns: string, text: string): void {
    let pod: V1Pod;
    try {
      pod = JSON.parse(text) as V1Pod;
    } catch {
      return this.status(res, 400, "BadRequest", "the body of the request was in an unknown format");
    }
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.namespace && pod.metadata.namespace !== ns)
      return this.status(res, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
    const Model = builtInModel("v1", "Pod")!;
    try {
      new Model({ apiVersion: "v1", kind: "Pod", ...pod }).validate();
    } catch (err) {
      return this.status(res, 422, "Invalid", `Pod "${name}" is invalid: ${(err as Error).message}`, { name, kind: "Pod" });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253)
      return this.status(
        res,
        422,
        "Invalid",
        `Pod "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        { name, kind: "Pod" },
      );
    const annotationBytes = Object.entries(pod.metadata?.annotations ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (annotationBytes > ANNOTATION_LIMIT)
      return this.status(res, 422, "Invalid", `Pod "${name}" is invalid: metadata.annotations: Too long: must have at most ${ANNOTATION_LIMIT} bytes`, {
        name,
        kind: "Pod",
      });
    if (this.restricted.has(ns)) {
      const v = restrictedViolations(pod.spec as unknown as Record<string, unknown>, (pod.metadata ?? {}) as Record<string, unknown>);
      if (v.length)
        return this.status(res, 403, "Forbidden", `pods "${name}" is forbidden: violates PodSecurity "restricted:latest": ${v.join("; ")}`, {
          name,
          kind: "pods",
        });
    }
    if (this.runtimeClasses && pod.spec?.runtimeClassName && !this.runtimeClasses.has(pod.spec.runtimeClassName)) {
      return this.status(res, 403, "Forbidden", `pods "${name}" is forbidden: pod rejected: RuntimeClass "${pod.spec.runtimeClassName}" not found`, {
        name,
        kind: "pods",
      });
    }
    if (this.pods.has(`${ns}/${name}`)) return this.status(res, 409, "AlreadyExists", `pods "${name}" already exists`, { name, kind: "pods" });
    if (pod.spec?.activeDeadlineSeconds !== undefined) {
      for (const q of this.quotas.filter((x) => x.namespace === ns)) {
        const used = this.podsIn(ns).filter(
          (p) => p.spec?.activeDeadlineSeconds !== undefined && !["Succeeded", "Failed"].includes(p.status?.phase ?? ""),
        ).length;
        if (used + 1 > q.pods)
          return this.status(
            res,
            403,
            "Forbidden",
            `pods "${name}" is forbidden: exceeded quota: ${q.name}, requested: pods=1, used: pods=${used}, limited: pods=${q.pods}`,
            { name, kind: "pods" },
          );
      }
    }
    const stored: V1Pod = {
      ...pod,
      apiVersion: "v1",
      kind: "Pod",
      metadata: { ...pod.metadata, namespace: ns, uid: randomUUID(), creationTimestamp: new Date() },
      status: { phase: "Pending" },
    };
    this.pods.set(`${ns}/${name}`, stored);
    this.created.push(`${ns}/${name}`);
    this.emit("ADDED", stored);
    this.json(res, 201, stored);
    const logs = new Map<string, string>();
    this.logs.set(stored.metadata!.uid!, logs);
    const current = () => {
      const cur = this.pods.get(`${ns}/${name}`);
      return cur && cur.metadata?.uid === stored.metadata?.uid ? cur : undefined;
    };
    const ctl: PodControl = {
      setStatus: (status) => {
        const cur = current();
        if (cur) this.emit("MODIFIED", { ...cur, status: { ...cur.status, ...status } });
      },
      setLog: (container, text) => void logs.set(container, text),
      serve: (port, handler) => {
        const uid = stored.metadata!.uid!;
        const ports = this.servers.get(uid) ?? new Map<number, (path: string) => string>();
        if (handler) ports.set(port, handler);
        else ports.delete(port);
        this.servers.set(uid, ports);
      },
      get deleted() {
        return current() === undefined;
      },
    };
    setImmediate(() => this.opts.runner.start(stored, ctl));
  }

  private async namespaceRequest(req: IncomingMessage, res: ServerResponse, verb: string, name: string | undefined): Promise<void> {
    if (verb === "create") {
      let ns: Json;
      try {
        ns = JSON.parse(await this.body(req)) as Json;
      } catch {
        return this.status(res, 400, "BadRequest", "the body of the request was in an unknown format");
      }
      const n = ns.metadata?.name as string | undefined;
      if (!n) return this.status(res, 422, "Invalid", "Namespace is invalid: metadata.name: Required value");
      if (this.namespaces.has(n)) return this.status(res, 409, "AlreadyExists", `namespaces "${n}" already exists`, { name: n, kind: "namespaces" });
      const stored = { apiVersion: "v1", kind: "Namespace", ...ns, metadata: { ...ns.metadata, uid: randomUUID() }, status: { phase: "Active" } };
      this.namespaces.set(n, stored);
      if (ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"] === "restricted") this.restricted.add(n);
      return this.json(res, 201, stored);
    }
    const found = name ? this.namespaces.get(name) : undefined;
    if (!found) return this.status(res, 404, "NotFound", `namespaces "${name}" not found`, { name, kind: "namespaces" });
    if (verb === "get") return this.json(res, 200, found);
    if (verb === "delete") {
      this.namespaces.delete(name!);
      this.restricted.delete(name!);
      for (const p of this.podsIn(name!)) {
        this.pods.delete(`${name}/${p.metadata!.name}`);
        this.emit("DELETED", p);
      }
      return this.json(res, 200, { ...found, status: { phase: "Terminating" } });
    }
    return this.status(res, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }

  private proxy(res: ServerResponse, ns: string, target: string, url: URL): void {
    const [name, port = "80"] = target.split(":");
    const pod = this.pods.get(`${ns}/${name}`);
    if (!pod) return this.status(res, 404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
    const handler = this.servers.get(pod.metadata!.uid!)?.get(Number(port));
    if (!handler)
      return this.status(
        res,
        503,
        "ServiceUnavailable",
        `error trying to reach service: dial tcp ${pod.status?.podIP ?? "<nil>"}:${port}: connect: connection refused`,
      );
    const path = url.pathname.replace(/^.*?\/proxy/, "") || "/";
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(handler(path));
  }

  private log(res: ServerResponse, pod: V1Pod, url: URL): void {
    const container = url.searchParams.get("container") ?? pod.spec?.containers?.[0]?.name ?? "";
    const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
    if (!names.includes(container)) return this.status(res, 400, "BadRequest", `container ${container} is not valid for pod ${pod.metadata?.name}`);
    const text = this.logs.get(pod.metadata!.uid!)?.get(container);
    if (text === undefined)
      return this.status(res, 400, "BadRequest", `container "${container}" in pod "${pod.metadata?.name}" is waiting to start: PodInitializing`);
    const limit = Number(url.searchParams.get("limitBytes") ?? "0");
    const body = limit > 0 ? Buffer.from(text).subarray(0, limit) : Buffer.from(text);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(body);
  }

  private watch(res: ServerResponse, ns: string, url: URL): void {
    const selector = url.searchParams.get("labelSelector") ?? "";
    const from = Number(url.searchParams.get("resourceVersion") ?? "0");
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const oldest = this.events[0]?.rv ?? this.rv;
    if (from > 0 && from < oldest - 1) {
      res.end(
        JSON.stringify({
          type: "ERROR",
          object: {
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            message: `too old resource version: ${from} (${oldest - 1})`,
            reason: "Expired",
            code: 410,
          },
        }) + "\n",
      );
      return;
    }
    for (const e of this.events)
      if (e.rv > from && e.pod.metadata?.namespace === ns && selects(selector, e.pod)) res.write(JSON.stringify({ type: e.type, object: e.pod }) + "\n");
    const w: Watcher = { namespace: ns, selector, res };
    this.watchers.add(w);
    res.on("close", () => this.watchers.delete(w));
  }

  private emit(type: StoredEvent["type"], pod: V1Pod): void {
    const rv = ++this.rv;
    const withRv: V1Pod = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(rv) } };
    if (type !== "DELETED") this.pods.set(`${pod.metadata!.namespace}/${pod.metadata!.name}`, withRv);
    this.events.push({ rv, type, pod: withRv });
    while (this.events.length > (this.opts.keepEvents ?? 10_000)) this.events.shift();
    for (const w of this.watchers)
      if (w.namespace === pod.metadata?.namespace && selects(w.selector, withRv)) w.res.write(JSON.stringify({ type, object: withRv }) + "\n");
  }

  /** Ends every open watch (as an API server restart or a timeout would). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }
}

/** Equality (`k=v`, `k==v`), inequality (`k!=v`) and existence (`k`, `!k`) requirements, comma-joined. */
function selects(selector: string, pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return selector
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .every((req) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(req);
      if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim();
      const eq = /^([^!=]+)==?(.*)$/.exec(req);
      if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
      if (req.startsWith("!")) return !(req.slice(1) in labels);
      return req in labels;
    });
}
