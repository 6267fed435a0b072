/**
 * The chart's own nats.conf (synthesized for `local`, run by test/support/nats-server.ts exactly as
 * written apart from what one machine needs), a generated password for each of its users, and the
 * NATS environment the chart gives the frontend pod.
 */
import { NATS_ENV } from "../../../service/contract/env";
import { parseNatsConf } from "../../support/nats-conf";
import { testPassword } from "../../support/nats-server";
import { environment, find, synthFaas } from "../../faas/fixtures";

export interface ChartNats {
  /** The synthesized nats.conf. */
  readonly text: string;
  /** Server environment: one generated password per user variable. */
  readonly env: Record<string, string>;
  /** user → password. */
  readonly passwords: Readonly<Record<string, string>>;
  /** NATS_USER and (when the chart sets it) NATS_INBOX_PREFIX of the frontend Deployment. */
  readonly frontendEnv: Readonly<Record<string, string>>;
}

type EnvVar = { name: string; value?: string };

export function chartNats(): ChartNats {
  const local = environment("local");
  const out = synthFaas(local);
  const ns = local.config.faas.namespace;
  const text: string = find(out.all, "ConfigMap", "nats-config", ns).data["nats.conf"];
  const users = (parseNatsConf(text).authorization as unknown as { users: { user: string; password: { variable: string } }[] }).users;
  const env: Record<string, string> = {};
  const passwords: Record<string, string> = {};
  for (const u of users) passwords[u.user] = env[u.password.variable] = testPassword();

  const container = find(out.all, "Deployment", "frontend", ns).spec.template.spec.containers[0] as { env: EnvVar[] };
  const frontendEnv: Record<string, string> = {};
  for (const e of container.env) if ((e.name === NATS_ENV.user || e.name === NATS_ENV.inboxPrefix) && e.value !== undefined) frontendEnv[e.name] = e.value;
  if (!frontendEnv[NATS_ENV.user]) throw new Error("chartNats: the frontend Deployment sets no NATS_USER");
  return { text, env, passwords, frontendEnv };
}
