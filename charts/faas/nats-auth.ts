/**
 * NATS users and their subject permissions: the protocol-level half of the isolation (the
 * NetworkPolicies only decide who may open a connection). Two users only: executors hold no NATS
 * credentials at all (the middleware reads their result through `pods/log` and is the only writer).
 * Passwords are never in the chart: nats.conf names an environment variable per user
 * (`password: $NATS_<USER>_PASSWORD`), which the server container fills from the deploy-time
 * Secret. No system account, no `no_auth_user`: an unauthenticated connection is refused.
 *
 * What the server can and cannot tell apart (measured against nats-server 2.9.10, see
 * test/faas/nats-server.test.ts): permissions match whole subject tokens, and a stream name is ONE
 * token (`KV_jobs-u…`), so no rule can say "only streams whose name starts with jobs-". The
 * allow lists therefore grant kinds of JetStream calls (read, consume, create) on every stream,
 * and the deny lists forbid the destructive kinds (delete, update, purge, message delete) on all.
 */
import { inboxPrefix, NATS_ENV } from "../../service/contract/env";
import { MIDDLEWARE_QUEUE_GROUP } from "../../service/contract/languages";
import { k8s } from "../../src/lib/k8s";
import { NATS_CREDENTIALS_SECRET, type NatsUserName, natsPasswordKey } from "../../src/contracts/secrets";
import { SUBJECT_PREFIX, subjects } from "./names";

export interface SubjectRules {
  readonly allow: readonly string[];
  /** @default none */
  readonly deny?: readonly string[];
}

export interface NatsUser {
  readonly name: NatsUserName;
  /** Environment variable of the NATS server container that holds this user's password. */
  readonly passwordEnv: string;
  /** Key of the password inside the `nats-credentials` Secret. */
  readonly secretKey: string;
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
  /** May answer requests it received (publish to their reply subject only). @default false */
  readonly allowResponses?: boolean;
}

/** A user's own reply subjects: `_INBOX_<user>.>` (clients set it as their inbox prefix). */
function inboxSubjects(user: NatsUserName): string {
  return `${inboxPrefix(user)}.>`;
}

/**
 * Reading KV entries and objects, as nats.js 2.29 does it: stream info, last message by subject
 * (direct get, or the API's message get), and the ordered push consumers that list keys, watch a
 * bucket or stream an object's chunks, with their flow-control replies.
 */
const JS_READ = [
  "$JS.API.STREAM.INFO.*",
  "$JS.API.STREAM.NAMES",
  "$JS.API.STREAM.MSG.GET.*",
  "$JS.API.DIRECT.GET.>",
  "$JS.API.CONSUMER.CREATE.>",
  "$JS.FC.>",
] as const;
/**
 * Account info: nats.js's jetstreamManager() asks for it first unless told `checkAPI: false`. The
 * middleware's job store uses the default; the frontend turns the check off (service/frontend/lib/jobs.ts)
 * and is not granted it.
 */
const JS_ACCOUNT_INFO = "$JS.API.INFO";
/** The middleware's writes: KV puts and object chunks, creating a user's bucket and object store, listing buckets to reconcile. */
const JS_WRITE = ["$KV.>", "$O.>", "$JS.API.STREAM.CREATE.*", "$JS.API.STREAM.LIST"] as const;
/** Nobody here removes or rewrites streams, their messages or others' consumers, or leaves durable consumers behind (deny wins over any later-widened allow). */
const JS_DESTRUCTIVE = [
  "$JS.API.STREAM.DELETE.>",
  "$JS.API.STREAM.UPDATE.>",
  "$JS.API.STREAM.PURGE.>",
  "$JS.API.STREAM.MSG.DELETE.>",
  "$JS.API.CONSUMER.DELETE.>",
  "$JS.API.CONSUMER.DURABLE.CREATE.>",
] as const;

function natsUsers(queueGroup: string = MIDDLEWARE_QUEUE_GROUP): NatsUser[] {
  const user = (name: NatsUserName) => ({ name, passwordEnv: `NATS_${name.toUpperCase()}_PASSWORD`, secretKey: natsPasswordKey(name) });
  return [
    {
      ...user("frontend"),
      // Submits jobs on exactly the three language subjects; reads job records and zips, writes nothing.
      publish: { allow: [...subjects(), ...JS_READ], deny: ["$KV.>", "$O.>", ...JS_DESTRUCTIVE] },
      subscribe: { allow: [inboxSubjects("frontend")] },
    },
    {
      ...user("middleware"),
      // Receives jobs as one queue group (each job reaches one replica) and answers them; the only writer of job state.
      publish: { allow: [JS_ACCOUNT_INFO, ...JS_READ, ...JS_WRITE], deny: [`${SUBJECT_PREFIX}.>`, ...JS_DESTRUCTIVE] },
      subscribe: { allow: [`${SUBJECT_PREFIX}.* ${queueGroup}`, inboxSubjects("middleware")] },
      allowResponses: true,
    },
  ];
}

/** The users of this workload's NATS. */
export function workloadNatsUsers(): NatsUser[] {
  return natsUsers();
}

const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;

function rules(r: SubjectRules): string {
  return `{ allow: ${list(r.allow)}${r.deny?.length ? `, deny: ${list(r.deny)}` : ""} }`;
}

/** The `authorization` block of nats.conf. */
export function natsAuthorization(users: readonly NatsUser[]): string[] {
  return [
    "authorization {",
    "  users: [",
    ...users.flatMap((u) => [
      "    {",
      `      user: ${u.name}`,
      `      password: $${u.passwordEnv}`,
      "      permissions: {",
      `        publish: ${rules(u.publish)}`,
      `        subscribe: ${rules(u.subscribe)}`,
      ...(u.allowResponses ? ["        allow_responses: true"] : []),
      "      }",
      "    }",
    ]),
    "  ]",
    "}",
  ];
}

/**
 * NATS_USER / NATS_PASSWORD / NATS_INBOX_PREFIX of a client pod (names: service/contract/env.ts).
 * The password comes from the `nats-credentials` Secret of the service namespace.
 */
export function natsClientEnv(user: NatsUserName): k8s.EnvVar[] {
  return [
    { name: NATS_ENV.user, value: user },
    { name: NATS_ENV.password, valueFrom: { secretKeyRef: { name: NATS_CREDENTIALS_SECRET, key: natsPasswordKey(user) } } },
    { name: NATS_ENV.inboxPrefix, value: inboxPrefix(user) },
  ];
}
