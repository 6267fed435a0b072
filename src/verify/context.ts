/** Builds the verify context for an environment: its kubeconfig, the real HTTP client and load generator. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { runLoad } from "../../scripts/loadgen";
import type { Environment } from "../config/schema";
import { Kubectl } from "../deploy/kubectl";
import { signInUsersFile } from "../deploy/local-users";
import type { Reporter } from "../deploy/reporter";
import { type Clock, realClock } from "../deploy/retry";
import { findOnPath, type Runner } from "../deploy/runner";
import { UserError } from "../errors";
import { nodeHttp } from "./http";
import { DEFAULT_VERIFY_POLICIES, type HttpClient, type LoadRunner, type VerifyContext, type VerifyPolicies } from "./types";
import { randomToken } from "./verify";

export const realLoad: LoadRunner = (url, o) =>
  runLoad({ url, requests: o.requests, concurrency: o.concurrency, durationSeconds: o.durationSeconds, timeoutSeconds: 10 });

export interface ContextOptions {
  readonly root: string;
  readonly environment: Environment;
  readonly runner: Runner;
  readonly reporter: Reporter;
  /** @default realClock */
  readonly clock?: Clock;
  /** @default Node's http/https */
  readonly http?: HttpClient;
  /** @default scripts/loadgen.ts runLoad */
  readonly load?: LoadRunner;
  /** @default DEFAULT_VERIFY_POLICIES */
  readonly policies?: VerifyPolicies;
  /** PATH to find kubectl on. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export function verifyContext(o: ContextOptions): VerifyContext {
  const kubeconfig = resolve(o.root, o.environment.config.kubeconfigPath);
  if (!existsSync(kubeconfig))
    throw new UserError(
      `no kubeconfig at ${o.environment.config.kubeconfigPath}: deploy ${o.environment.name} first (npm run deploy -- ${o.environment.name})`,
    );
  if (!findOnPath("kubectl", o.env ?? process.env)) throw new UserError("kubectl not found on PATH; install kubectl matching the cluster's minor version");
  return {
    environment: o.environment,
    kubectl: new Kubectl(o.runner, kubeconfig),
    http: o.http ?? nodeHttp,
    load: o.load ?? realLoad,
    clock: o.clock ?? realClock,
    reporter: o.reporter,
    policies: o.policies ?? DEFAULT_VERIFY_POLICIES,
    signInUsersFile: signInUsersFile(o.root, o.environment.name),
    token: randomToken,
  };
}
