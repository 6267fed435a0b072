/**
 * The chart's own nats.conf (synthesized for `local`), made runnable on one machine: the cluster
 * block, monitoring port and pid file go, the client port becomes a loopback port, JetStream
 * stores in a temporary folder. Users, passwords-as-variables and permissions stay exactly as
 * synthesized. Also returns the NATS environment the chart gives the frontend pod.
 */
import { NATS_ENV } from "../../../service/contract/env";
import { parseNatsConf } from "../../support/nats-conf";
import { environment, find, synthFaas } from "../../faas/fixtures";
import { testPassword } from "./nats-server";

export interface ChartNats {
  /** Config text for startNatsServer (`{{PORT}}`, `{{STORE_DIR}}` placeholders). */
  readonly text: string;
  /** Server environment: SERVER_NAME and one generated password per user variable. */
  readonly env: Readonly<Record<string, string>>;
  /** user → password. */
  readonly passwords: Readonly<Record<string, string>>;
  /** NATS_USER and (when the chart sets it) NATS_INBOX_PREFIX of the frontend Deployment. */
  readonly frontendEnv: Readonly<Record<string, string>>;
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };

export function chartNats(): ChartNats {
  const local = environment("local");
  const out = synthFaas(local);
  const ns = local.config.faas.namespace;
  const original: string = find(out.all, "ConfigMap", "nats-config", ns).data["nats.conf"];
  const lines = original.split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^cluster \{/.test(line)) {
      // Skip the whole block (top-level, closed by a line that is exactly "}").
      while (i < lines.length && lines[i] !== "}") i++;
      continue;
    }
    if (/^(http_port|pid_file|port):/.test(line)) continue;
    kept.push(line.replace(/^(\s*)store_dir: .*$/, "$1store_dir: {{STORE_DIR}}"));
  }
  const text = ["listen: 127.0.0.1:{{PORT}}", ...kept].join("\n");
  if (/cluster|6222|\/data\b/.test(text)) throw new Error("chartNats: the synthesized nats.conf changed shape; update the adaptation");

  const users = (parseNatsConf(original).authorization as unknown as { users: { user: string; password: { variable: string } }[] }).users;
  const env: Record<string, string> = { SERVER_NAME: "nats-0" };
  const passwords: Record<string, string> = {};
  for (const u of users) passwords[u.user] = env[u.password.variable] = testPassword();

  const container = find(out.all, "Deployment", "frontend", ns).spec.template.spec.containers[0] as { env: EnvVar[] };
  const frontendEnv: Record<string, string> = {};
  for (const e of container.env) if ((e.name === NATS_ENV.user || e.name === NATS_ENV.inboxPrefix) && e.value !== undefined) frontendEnv[e.name] = e.value;
  if (!frontendEnv[NATS_ENV.user]) throw new Error("chartNats: the frontend Deployment sets no NATS_USER");
  return { text, env, passwords, frontendEnv };
}
