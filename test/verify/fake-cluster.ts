/**
 * A scripted stand-in for a deployed cluster, behind the two interfaces verify uses: kubectl (a
 * fake runner answering with API objects shaped like the real server's JSON) and HTTP (the MetalLB
 * addresses of the web app and oauth2-proxy, with the frontend's API behind sign-in). Each knob
 * breaks one property, so the tests can show that verify reports it.
 */
import { crc32 } from "node:zlib";
import type { RunResult } from "../../src/deploy/runner";
import type { LoadSummary } from "../../scripts/loadgen";
import type { HttpClient, HttpRequest, HttpResponse, LoadRunner } from "../../src/verify/types";
import { type Call, fakeRunner, kubectlArgs } from "../deploy/fakes";

export interface World {
  nodes: { name: string; ready: boolean }[];
  cni: { namespace: string; name: string; ready: number; desired: number };
  corednsAvailable: number;
  webIp?: string;
  faasIp?: string;
  /** Pods the web Service answers from (round robin). */
  webPods: string[];
  /** The web app serves files from the volume (false: the probe file is not found). */
  servesVolume: boolean;
  /** HPA replicas reported per poll after the load started; the last value repeats. */
  hpaUnderLoad: number[];
  /** After the load finished. */
  hpaAfterLoad: number[];
  /** The deleted pod comes back under a new name. */
  replacesPods: boolean;
  /** Final status of jobs; undefined = they never finish. */
  jobStatus?: string;
  /** What the isolation probe reports per target. */
  isolation: Record<string, string>;
  /** Password oauth2-proxy accepts for the verify account. */
  password: string;
}

export function healthyWorld(password: string): World {
  return {
    nodes: [
      { name: "master01", ready: true },
      { name: "worker01", ready: true },
      { name: "worker02", ready: true },
    ],
    cni: { namespace: "calico-system", name: "calico-node", ready: 3, desired: 3 },
    corednsAvailable: 2,
    webIp: "192.168.60.200",
    faasIp: "192.168.60.201",
    webPods: ["web-7d9c-abcde", "web-7d9c-fghij"],
    servesVolume: true,
    hpaUnderLoad: [2, 3, 5],
    hpaAfterLoad: [5, 4, 2],
    replacesPods: true,
    jobStatus: "finished",
    isolation: { nats: "timeout", frontend: "timeout", "api-server": "timeout", internet: "timeout" },
    password,
  };
}

const ok = (obj: unknown): Partial<RunResult> => ({ stdout: JSON.stringify(obj) });
const notFound = (what: string): Partial<RunResult> => ({ code: 1, stderr: `Error from server (NotFound): ${what} not found` });

function podItem(name: string, deleting = false) {
  return {
    metadata: { name, namespace: "web", labels: { "app.kubernetes.io/name": "web" }, ...(deleting ? { deletionTimestamp: "2026-12-01T10:00:00Z" } : {}) },
    status: { phase: "Running", conditions: [{ type: "Ready", status: deleting ? "False" : "True" }], podIP: "10.244.1.5" },
  };
}

/** A stored-entries zip (what the middleware's zip reader accepts too). */
function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function fakeCluster(world: World) {
  let loadStarted = false;
  let loadDone = false;
  let hpaPolls = 0;
  let afterPolls = 0;
  let deleted: string | undefined;
  let replacementPolls = 0;
  const files = new Map<string, string>();
  const probes = new Map<string, { kind: "volume" | "isolation"; token?: string; file?: string }>();
  const jobs = new Map<string, { language: string; line: string; polls: number }>();
  const session = "_oauth2_proxy=c2Vzc2lvbg";

  const runner = fakeRunner((call: Call) => {
    if (call.cmd !== "kubectl") return undefined;
    const a = kubectlArgs(call);
    const key = a.join(" ");
    if (a[0] === "get" && a[1] === "nodes")
      return ok({
        kind: "NodeList",
        items: world.nodes.map((n) => ({ metadata: { name: n.name }, status: { conditions: [{ type: "Ready", status: n.ready ? "True" : "False" }] } })),
      });
    if (key.startsWith(`get daemonset ${world.cni.name} -n ${world.cni.namespace}`))
      return ok({ kind: "DaemonSet", status: { desiredNumberScheduled: world.cni.desired, numberReady: world.cni.ready } });
    if (key.startsWith("get deployment coredns -n kube-system"))
      return ok({ kind: "Deployment", spec: { replicas: 2 }, status: { availableReplicas: world.corednsAvailable } });
    if (key.startsWith("get service web -n web"))
      return world.webIp === undefined
        ? ok({ spec: { type: "LoadBalancer", ports: [{ port: 80 }] }, status: { loadBalancer: {} } })
        : ok({
            spec: { type: "LoadBalancer", clusterIP: "10.96.10.10", ports: [{ port: 80 }] },
            status: { loadBalancer: { ingress: [{ ip: world.webIp, ipMode: "VIP" }] } },
          });
    if (key.startsWith("get service oauth2-proxy -n faas"))
      return ok({
        spec: { type: "LoadBalancer", clusterIP: "10.96.20.20", ports: [{ port: 80 }] },
        status: { loadBalancer: { ingress: world.faasIp ? [{ ip: world.faasIp }] : [] } },
      });
    if (key.startsWith("get service nats -n faas")) return ok({ spec: { clusterIP: "10.96.30.30", ports: [{ name: "client", port: 4222 }] } });
    if (key.startsWith("get service frontend -n faas")) return ok({ spec: { clusterIP: "10.96.40.40", ports: [{ name: "http", port: 3000 }] } });
    if (key.startsWith("get service kubernetes -n default")) return ok({ spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443 }] } });
    if (key.startsWith("get hpa web -n web")) {
      let current: number;
      if (!loadStarted) current = world.hpaUnderLoad[0] ?? 2;
      else if (!loadDone) current = world.hpaUnderLoad[Math.min(hpaPolls++, world.hpaUnderLoad.length - 1)]!;
      else current = world.hpaAfterLoad[Math.min(afterPolls++, world.hpaAfterLoad.length - 1)]!;
      return ok({
        kind: "HorizontalPodAutoscaler",
        spec: { minReplicas: 2, maxReplicas: 5 },
        status: {
          currentReplicas: current,
          desiredReplicas: current,
          currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40 } } }],
        },
      });
    }
    if (key.startsWith("get pods -n web -l app.kubernetes.io/name=web")) {
      const names = world.webPods.filter((p) => p !== deleted || !world.replacesPods);
      const items = names.map((n) => podItem(n));
      if (deleted && world.replacesPods && ++replacementPolls >= 2) items.push(podItem("web-7d9c-zzzzz"));
      if (deleted && !world.replacesPods)
        return ok({
          items: names
            .filter((n) => n !== deleted)
            .map((n) => podItem(n))
            .concat([podItem(deleted, true)]),
        });
      return ok({ kind: "PodList", items });
    }
    if (a[0] === "delete" && a[1] === "pod" && a[3] === "-n" && a[4] === "web" && a[2]!.startsWith("web-")) {
      deleted = a[2];
      return { stdout: `pod "${a[2]}" deleted\n` };
    }
    if (key.startsWith("get podtemplate executor-javascript -n faas-executors")) {
      return ok({
        kind: "PodTemplate",
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "executor" } },
          spec: {
            runtimeClassName: "gvisor",
            activeDeadlineSeconds: 60,
            securityContext: { runAsNonRoot: true },
            initContainers: [
              {
                name: "run",
                image: "192.168.60.30:5000/clusterkit/executor-javascript:abc",
                resources: { limits: { cpu: "500m", memory: "256Mi" } },
                securityContext: { readOnlyRootFilesystem: true },
              },
            ],
            containers: [
              {
                name: "report",
                image: "192.168.60.30:5000/clusterkit/executor-javascript:abc",
                resources: { limits: { cpu: "50m", memory: "16Mi" } },
                securityContext: { readOnlyRootFilesystem: true },
              },
            ],
          },
        },
      });
    }
    if (a[0] === "create" && a[1] === "-f") {
      const pod = JSON.parse(call.input ?? "{}") as {
        metadata: { name: string };
        spec: { containers: { env?: { name: string; value: string }[]; command: string[] }[] };
      };
      const env = Object.fromEntries((pod.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
      if (pod.metadata.name.includes("volume")) {
        const file = /clusterkit-verify-[0-9a-z]+\.txt/.exec(pod.spec.containers[0]!.command.join(" "))![0];
        probes.set(pod.metadata.name, { kind: "volume", token: env.TOKEN, file });
        if (world.servesVolume) files.set(file, env.TOKEN!);
      } else probes.set(pod.metadata.name, { kind: "isolation" });
      return { stdout: `pod/${pod.metadata.name} created\n` };
    }
    if (a[0] === "get" && a[1] === "pod" && probes.has(a[2]!))
      return ok({ kind: "Pod", status: { phase: "Running", containerStatuses: [{ state: { running: {} } }] } });
    if (a[0] === "logs" && probes.has(a[3]!)) {
      const p = probes.get(a[3]!)!;
      return { stdout: p.kind === "volume" ? "clusterkit-probe-written\n" : `CLUSTERKIT-PROBE ${JSON.stringify(world.isolation)}\n` };
    }
    if (a[0] === "delete" && a[1] === "pod" && probes.has(a[2]!)) {
      const p = probes.get(a[2]!)!;
      if (p.file) files.delete(p.file);
      probes.delete(a[2]!);
      return { stdout: "deleted\n" };
    }
    return notFound(key);
  });

  let rr = 0;
  const http: HttpClient = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = new URL(req.url);
    const res = (status: number, body: string | Buffer = "", headers: Record<string, string | string[]> = {}): HttpResponse => ({
      status,
      headers,
      body: Buffer.from(body),
    });
    if (url.hostname === world.webIp) {
      if (url.pathname === "/") return res(200, "<h1>Served by pod</h1>", { "x-served-by": world.webPods[rr++ % world.webPods.length]! });
      const file = files.get(url.pathname.slice(1));
      return file === undefined ? res(404) : res(200, file);
    }
    if (url.hostname === world.faasIp) {
      const authed = (req.headers?.cookie ?? "").includes(session);
      if (url.pathname === "/oauth2/sign_in" && req.method === "POST") {
        const form = new URLSearchParams(req.body ?? "");
        if (form.get("password") !== world.password) return res(401, "Invalid credentials");
        return res(302, "", { location: "/", "set-cookie": [`${session}; Path=/; HttpOnly; SameSite=Lax`] });
      }
      if (!authed) return res(302, "", { location: "/oauth2/sign_in?rd=%2F" });
      if (url.pathname === "/api/jobs" && req.method === "POST") {
        const sub = JSON.parse(req.body ?? "{}") as { language: string; files: { content: string }[] };
        const line = /"(clusterkit-verify [^"]+)"/.exec(sub.files[0]!.content)![1]!;
        const id = `01jv${String(jobs.size).padStart(22, "0")}`;
        jobs.set(id, { language: sub.language, line, polls: 0 });
        return res(201, JSON.stringify({ id }), { "content-type": "application/json" });
      }
      const m = /^\/api\/jobs\/(\w+)$/.exec(url.pathname);
      if (m && jobs.has(m[1]!)) {
        const j = jobs.get(m[1]!)!;
        const status = ++j.polls >= 2 && world.jobStatus ? world.jobStatus : "running";
        return res(
          200,
          JSON.stringify({
            id: m[1],
            status,
            language: j.language,
            result: status === "finished" ? { stdout: `${j.line}\n`, stderr: "", compileOutput: "", truncated: false } : undefined,
          }),
        );
      }
      const d = /^\/job\/(\w+)\/download$/.exec(url.pathname);
      if (d && jobs.has(d[1]!))
        return res(200, storedZip({ "stdout.txt": `${jobs.get(d[1]!)!.line}\n`, "stderr.txt": "" }), { "content-type": "application/zip" });
      return res(404);
    }
    throw new Error(`connect ECONNREFUSED ${url.host}`);
  };

  const load: LoadRunner = async () => {
    loadStarted = true;
    // The HPA sees the load while it runs: a few polls happen before the generator returns.
    await new Promise((r) => setImmediate(r));
    loadDone = true;
    const summary: LoadSummary = {
      requests: 12000,
      errors: 0,
      statusCounts: { "200": 12000 },
      errorCounts: {},
      latency: { p50: 12, p95: 40, max: 90 },
      pods: { a: 6000, b: 6000 },
      elapsedSeconds: 180,
      stoppedBy: "duration",
    };
    return summary;
  };

  return { runner, http, load, files, probes };
}
