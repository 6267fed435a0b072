/**
 * The Kubernetes calls the middleware makes — exactly the ones its Role allows (charts/faas/rbac.ts):
 * pods create/get/list/watch/delete, pods/log get, podtemplates get — in the executor namespace.
 */
import { CoreV1Api, type KubeConfig, type V1Pod, type V1PodTemplate, Watch } from "@kubernetes/client-node";

export type WatchEvent = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** The namespace ResourceQuota refused the Pod: retry later, the job is not at fault. */
export class QuotaExceeded extends Error {}

export interface ApiFailure {
  readonly code?: number;
  readonly reason?: string;
  readonly message: string;
}

/** Status code, reason and message of a client-node error (the body is the API's Status). */
export function apiFailure(err: unknown): ApiFailure {
  const e = err as { code?: number; body?: unknown; message?: string };
  let status: { reason?: string; message?: string } = {};
  if (typeof e?.body === "string") {
    try {
      status = JSON.parse(e.body) as typeof status;
    } catch {
      status = { message: e.body.slice(0, 300) };
    }
  } else if (e?.body && typeof e.body === "object") status = e.body as typeof status;
  return { code: typeof e?.code === "number" ? e.code : undefined, reason: status.reason, message: status.message ?? e?.message ?? String(err) };
}

export interface KubeApi {
  readTemplate(name: string): Promise<V1PodTemplate>;
  /** "exists" when a Pod of that name is already there (the job was already started). */
  createPod(pod: V1Pod): Promise<"created" | "exists">;
  getPod(name: string): Promise<V1Pod | undefined>;
  listPods(labelSelector: string): Promise<{ items: V1Pod[]; resourceVersion: string }>;
  watchPods(
    labelSelector: string,
    resourceVersion: string,
    onEvent: (type: WatchEvent, pod: V1Pod) => void,
    onDone: (err?: unknown) => void,
  ): Promise<{ abort(): void }>;
  /** The container's log, at most `limitBytes`. */
  readLog(name: string, container: string, limitBytes: number): Promise<string>;
  /** Gone already is fine. */
  deletePod(name: string): Promise<void>;
}

export function kubeApi(kc: KubeConfig, namespace: string): KubeApi {
  const core = kc.makeApiClient(CoreV1Api);
  const watch = new Watch(kc);
  return {
    readTemplate: (name) => core.readNamespacedPodTemplate({ name, namespace }),
    async createPod(pod) {
      try {
        await core.createNamespacedPod({ namespace, body: pod });
        return "created";
      } catch (err) {
        const f = apiFailure(err);
        if (f.code === 409 && f.reason === "AlreadyExists") return "exists";
        if (f.code === 403 && /exceeded quota/i.test(f.message)) throw new QuotaExceeded(f.message);
        throw err;
      }
    },
    async getPod(name) {
      try {
        return await core.readNamespacedPod({ name, namespace });
      } catch (err) {
        if (apiFailure(err).code === 404) return undefined;
        throw err;
      }
    },
    async listPods(labelSelector) {
      const list = await core.listNamespacedPod({ namespace, labelSelector });
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    },
    async watchPods(labelSelector, resourceVersion, onEvent, onDone) {
      const controller = await watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { labelSelector, resourceVersion, allowWatchBookmarks: true },
        (type, obj) => onEvent(type as WatchEvent, obj as V1Pod),
        onDone,
      );
      return { abort: () => controller.abort() };
    },
    readLog: (name, container, limitBytes) => core.readNamespacedPodLog({ name, namespace, container, limitBytes }),
    async deletePod(name) {
      try {
        await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
      } catch (err) {
        if (apiFailure(err).code !== 404) throw err;
      }
    },
  };
}
