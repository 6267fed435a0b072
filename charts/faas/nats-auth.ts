/**
 * NATS users and their subject permissions: the protocol-level half of the isolation (the
 * NetworkPolicies only decide who may open a connection). Passwords are never in the chart:
 * nats.conf names an environment variable per user (`password: $NATS_<USER>_PASSWORD`), which
 * the server container fills from the deploy-time Secret. No system account, no `no_auth_user`:
 * an unauthenticated connection is refused.
 */
import { k8s } from "../../src/lib/k8s";
import { COMPONENTS, NATS_CREDENTIALS_SECRET, SUBJECT_PREFIX, subjects } from "./names";

export type NatsUserName = "frontend" | "middleware" | "executor";

export interface SubjectRules {
  readonly allow: readonly string[];
  /** @default none */
  readonly deny?: readonly string[];
}

export interface NatsUser {
  readonly name: NatsUserName;
  /** Environment variable of the NATS server container that holds this user's password. */
  readonly passwordEnv: string;
  /** Key of the password inside the `nats-credentials` Secret(s). */
  readonly secretKey: string;
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
  /** May answer requests it received (publish to their reply subject only). @default false */
  readonly allowResponses?: boolean;
}

export { NATS_CREDENTIALS_SECRET };

/** Every job subject. */
const SUBJECT_ALL = `${SUBJECT_PREFIX}.>`;
/** Replies to JetStream API calls and request/reply arrive on inboxes. */
const INBOX = "_INBOX.>";

/**
 * What binding to and reading KV buckets and object stores needs, and writing them: stream info,
 * last-message lookups (direct or through the API), the account info some clients fetch first.
 */
const JS_READ = ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST", "$JS.API.STREAM.MSG.GET.*", "$JS.API.DIRECT.GET.>"];
/** Watching a bucket or reading an object runs an ephemeral (ordered) consumer with flow control. */
const JS_CONSUME = ["$JS.API.CONSUMER.CREATE.>", "$JS.API.CONSUMER.INFO.*.*", "$JS.API.CONSUMER.MSG.NEXT.*.*", "$JS.API.CONSUMER.DELETE.*.*", "$JS.FC.>", "$JS.ACK.>"];
/**
 * Clients create a user's bucket or object store on first use (nats.js `views.kv()` / `os()`),
 * and replacing an object purges its old chunks.
 */
const JS_MANAGE_OWN = ["$JS.API.STREAM.CREATE.*", "$JS.API.STREAM.PURGE.*"];
/** Never for anyone here: removing streams or rewriting their config is an operator's job. */
const JS_DESTRUCTIVE = ["$JS.API.STREAM.DELETE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.MSG.DELETE.>"];

/**
 * Exactly the JetStream API calls that writing a job result makes: binding the object store and
 * KV bucket (STREAM.INFO), the existing-entry lookup an object put and a KV update do
 * (STREAM.MSG.GET or DIRECT.GET), and the puts themselves, which are plain publishes to `$O.>`
 * and `$KV.>` acknowledged on an inbox.
 */
export const EXECUTOR_JS_API = ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.MSG.GET.*", "$JS.API.DIRECT.GET.>"] as const;

/** Explicitly denied to executors even if an allow rule is widened later (deny wins in NATS). */
export const EXECUTOR_DENY_PUBLISH = [
  `${SUBJECT_PREFIX}.>`,
  "$JS.API.STREAM.CREATE.>",
  "$JS.API.STREAM.UPDATE.>",
  "$JS.API.STREAM.DELETE.>",
  "$JS.API.STREAM.PURGE.>",
  "$JS.API.STREAM.MSG.DELETE.>",
  "$JS.API.CONSUMER.DELETE.>",
] as const;

export function natsUsers(queueGroup: string): NatsUser[] {
  const user = (name: NatsUserName) => ({ name, passwordEnv: `NATS_${name.toUpperCase()}_PASSWORD`, secretKey: `${name}-password` });
  return [
    {
      ...user("frontend"),
      // Submits jobs on exactly the three language subjects, keeps job state in KV and the object store.
      publish: { allow: [...subjects(), "$KV.>", "$O.>", ...JS_READ, ...JS_CONSUME, ...JS_MANAGE_OWN], deny: JS_DESTRUCTIVE },
      subscribe: { allow: [INBOX] },
    },
    {
      ...user("middleware"),
      // Receives jobs as one queue group (each job reaches one replica) and may answer them.
      publish: { allow: ["$KV.>", "$O.>", ...JS_READ, ...JS_CONSUME, ...JS_MANAGE_OWN], deny: [SUBJECT_ALL, ...JS_DESTRUCTIVE] },
      subscribe: { allow: [`${SUBJECT_ALL} ${queueGroup}`, INBOX] },
      allowResponses: true,
    },
    {
      ...user("executor"),
      // Untrusted code runs with these rights: write results, nothing else.
      publish: { allow: ["$O.>", "$KV.>", ...EXECUTOR_JS_API], deny: EXECUTOR_DENY_PUBLISH },
      subscribe: { allow: [INBOX], deny: [SUBJECT_ALL] },
    },
  ];
}

/** The users of this workload's NATS (the middleware's queue group is its component name, as in its env). */
export function workloadNatsUsers(): NatsUser[] {
  return natsUsers(COMPONENTS.middleware);
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
 * NATS_USER / NATS_PASSWORD of a client pod. The password comes from the `nats-credentials`
 * Secret of the pod's own namespace (a secretKeyRef cannot cross namespaces).
 */
export function natsClientEnv(user: NatsUserName): k8s.EnvVar[] {
  return [
    { name: "NATS_USER", value: user },
    { name: "NATS_PASSWORD", valueFrom: { secretKeyRef: { name: NATS_CREDENTIALS_SECRET, key: `${user}-password` } } },
  ];
}
