/**
 * The middleware process: configuration from the environment, NATS and the Kubernetes API
 * (in-cluster ServiceAccount, or $KUBECONFIG), the job service, the health endpoint, and a
 * graceful stop on SIGTERM (stop taking requests, leave running jobs to reconciliation).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { connect, Events } from "nats";
import { ConfigError, loadConfig } from "./config";
import { healthServer } from "./health";
import { kubeApi } from "./kube";
import { jsonLogger } from "./log";
import { Middleware } from "./service";
import { JobStore } from "./store";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = jsonLogger(undefined, { replica: config.replicaName });
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const kube = kubeApi(kc, config.executorNamespace);

  const nc = await connect({
    servers: config.nats.url,
    user: config.nats.user,
    pass: config.nats.password,
    inboxPrefix: config.nats.inboxPrefix,
    name: config.replicaName,
    maxReconnectAttempts: -1,
  });
  let natsUp = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === Events.Disconnect) natsUp = false;
      if (s.type === Events.Reconnect) natsUp = true;
      if (s.type === Events.Error) log.log("warn", "NATS error", { error: String(s.data) });
    }
  })();
  const js = nc.jetstream();
  const store = new JobStore(js, await nc.jetstreamManager(), config.nats.bucketReplicas);
  const service = new Middleware({ config, nc, store, kube, log });

  const health = healthServer({
    nats: () => natsUp && !nc.isClosed(),
    api: async () => void (await kube.readTemplate(config.podTemplates.go)),
    draining: () => service.draining,
  });
  health.listen(config.healthPort);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log("info", "stopping", { signal });
    await service.stop();
    await nc.drain().catch(() => undefined);
    health.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  await service.start();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "middleware failed", error: (err as Error)?.message ?? String(err) })}\n`,
  );
  process.exit(1);
});
