/**
 * `npm run deploy -- <env>`: preflight (nothing created on failure), synth, terraform apply,
 * outputs -> re-synth, wait for the cluster, upstream installs + our manifests in order with the
 * workload Secrets, then how to reach the app. Every step is re-entrant: an interrupted run is
 * resumed by running the same command again.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { CHART_IDS } from "../../charts/order";
import { environments } from "../config/load";
import type { Environment, EnvironmentConfigs, EnvironmentName, LocalConfig } from "../config/schema";
import { type UpstreamInstall, upstreamInstallsFor } from "../config/upstream";
import { UserError } from "../errors";
import { synthesize } from "../synth/synth";
import { accessSummary } from "./access";
import { type ApplyPolicies, DEFAULT_APPLY_POLICIES, executePlan } from "./apply";
import { BOOTSTRAP_TOKEN_OUTPUT } from "../../stacks/local/identity";
import { renewBootstrapToken } from "./bootstrap-token";
import { waitForApi, waitForNodes } from "./cluster-wait";
import { Kubectl } from "./kubectl";
import { manifestFiles } from "./manifest-files";
import { assertNoPlaceholders, writeStackOutputs } from "./outputs";
import { describeStep, planApply } from "./plan";
import { assertNoProblems, preflightDeploy } from "./preflight";
import type { Reporter } from "./reporter";
import { type Clock, type RetryPolicy } from "./retry";
import type { Runner } from "./runner";
import type { ResolvedSecret } from "./secret-values";
import { prepareStateDir, protectStateFiles } from "./state-dir";
import { Terraform } from "./terraform";
import { ensureUpstream, type Fetcher } from "./upstream-cache";
import { waitForWorkloads, workloadsIn } from "./workload-wait";

export interface DeployPolicies extends ApplyPolicies {
  /** Waiting for the API server after terraform apply. */
  readonly api: RetryPolicy;
  /** Waiting for the nodes to register (locally) or become Ready (ACK). */
  readonly cluster: RetryPolicy;
  /** Waiting for every Deployment and StatefulSet of our manifests to be ready (image pulls included). */
  readonly workloads: RetryPolicy;
}

export const DEFAULT_DEPLOY_POLICIES: DeployPolicies = {
  ...DEFAULT_APPLY_POLICIES,
  api: { attempts: 90, intervalMs: 10_000, timeoutMs: 900_000 },
  cluster: { attempts: 120, intervalMs: 10_000, timeoutMs: 1_200_000 },
  workloads: { attempts: 60, intervalMs: 10_000, timeoutMs: 600_000 },
};

export interface DeployOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly configs: EnvironmentConfigs;
  readonly runner: Runner;
  readonly fetcher: Fetcher;
  readonly reporter: Reporter;
  readonly clock: Clock;
  /** The user's environment (PATH, credentials, Secret values). */
  readonly env: NodeJS.ProcessEnv;
  /** @default none */
  readonly secretsFile?: string;
  /** @default DEFAULT_DEPLOY_POLICIES */
  readonly policies?: DeployPolicies;
  /** Print the plan only. @default false */
  readonly planOnly?: boolean;
  /** The pinned upstream installs (tests substitute hashes of fake bytes). @default upstreamInstallsFor */
  readonly upstreamInstalls?: (config: LocalConfig) => readonly UpstreamInstall[];
}

/** Nodes the cluster must have: every VM but the NFS server locally; the pool (plus masters on Dedicated) on ACK. */
export function expectedNodes(environment: Environment): number {
  if (environment.kind === "local") return 1 + environment.config.workers.length;
  return environment.config.nodePool.desiredSize + (environment.name === "ack-dedicated" ? environment.config.masters.count : 0);
}

export function stackDir(root: string, environment: string): string {
  return join(root, "cdktf.out", "stacks", environment);
}

/** The apply plan for the environment's synthesized manifests. */
export function applyPlanFor(environment: Environment, manifestsDir: string, secrets: readonly ResolvedSecret[], installsFor: (config: LocalConfig) => readonly UpstreamInstall[] = upstreamInstallsFor) {
  return planApply({
    files: manifestFiles(manifestsDir),
    installs: environment.kind === "local" ? installsFor(environment.config) : [],
    secrets: { values: secrets, before: CHART_IDS.faas },
    // Locally we install the CNI, so nodes become Ready only after it; ACK's are Ready before.
    nodesReadyAfter: environment.kind === "local" ? CHART_IDS.cni : undefined,
  });
}

/**
 * Downloads and verifies every pinned upstream install into the cache BEFORE terraform creates
 * anything: no network, a proxy problem or a changed upstream file then fails in seconds instead
 * of after the VMs exist. The apply step later reads the verified cache.
 */
async function fetchUpstreamInstalls(environment: Environment, opts: DeployOptions): Promise<void> {
  if (environment.kind !== "local") return;
  const installs = (opts.upstreamInstalls ?? upstreamInstallsFor)(environment.config);
  if (!installs.length) return;
  opts.reporter.step(`Upstream installs: download and verify ${installs.length} pinned file${installs.length === 1 ? "" : "s"} before anything is created`);
  for (const install of installs) await ensureUpstream(install, opts.root, opts.fetcher, opts.reporter);
}

export async function deploy(opts: DeployOptions): Promise<string[]> {
  const { root, reporter, clock } = opts;
  const policies = opts.policies ?? DEFAULT_DEPLOY_POLICIES;
  const environment = environments(opts.configs).find((e) => e.name === opts.environment)!;
  const config = environment.config;

  reporter.step(`Preflight checks for ${environment.name}`);
  const pre = await preflightDeploy(environment, { root, env: opts.env, runner: opts.runner, secretsFile: opts.secretsFile });
  assertNoProblems("deploy", environment.name, pre.problems);
  reporter.info("all prerequisites present");

  reporter.step("Synthesizing Terraform and manifests");
  const synth = synthesize(opts.configs, { root });
  // Synth covers every environment; only this one's warnings (and general ones) matter here.
  const others = environments(opts.configs).filter((e) => e.name !== environment.name).map((e) => `${e.name}:`);
  for (const w of synth.warnings) if (!others.some((o) => w.startsWith(o))) reporter.warn(w);
  const manifestsDir = join(root, "dist", environment.name);

  if (opts.planOnly) {
    return [`terraform init + apply in ${stackDir(root, environment.name)}`, ...applyPlanFor(environment, manifestsDir, pre.secrets, opts.upstreamInstalls).map(describeStep)];
  }

  await fetchUpstreamInstalls(environment, opts);

  reporter.step(`Terraform apply (stack ${environment.name}); this takes a while, output follows`);
  const terraform = new Terraform(opts.runner, stackDir(root, environment.name), reporter);
  prepareStateDir(root, environment.name);
  await terraform.init();
  if (environment.kind === "local") {
    // Workers this apply adds or replaces join with the bootstrap token: renew it in the running cluster.
    if (existsSync(resolve(root, config.kubeconfigPath))) {
      await renewBootstrapToken(new Kubectl(opts.runner, resolve(root, config.kubeconfigPath)), () => terraform.output(BOOTSTRAP_TOKEN_OUTPUT), clock.now(), reporter);
    } else {
      reporter.info("bootstrap token renewal skipped: no kubeconfig yet (first deploy)");
    }
  }
  await terraform.apply();
  protectStateFiles(root, environment.name);
  const kept = writeStackOutputs(root, environment.name, await terraform.outputs());
  reporter.info(`outputs ${kept.join(", ") || "(none)"} written to state/${environment.name}/outputs.json`);

  reporter.step("Re-synthesizing manifests with the stack's outputs");
  synthesize(opts.configs, { root, terraform: false });
  assertNoPlaceholders(manifestsDir, environment.name);

  const kubeconfig = resolve(root, config.kubeconfigPath);
  if (!existsSync(kubeconfig)) {
    throw new UserError(`terraform apply finished but the kubeconfig ${config.kubeconfigPath} was not written`, ["check the stack's outputs and run the same command again"]);
  }
  const kubectl = new Kubectl(opts.runner, kubeconfig);
  const expected = expectedNodes(environment);
  reporter.step("Waiting for the cluster");
  await waitForApi(kubectl, policies.api, clock, reporter);
  await waitForNodes(kubectl, expected, environment.kind !== "local", policies.cluster, clock, reporter);

  const steps = applyPlanFor(environment, manifestsDir, pre.secrets, opts.upstreamInstalls);
  await executePlan(steps, { kubectl, reporter, clock, root, manifestsDir, fetcher: opts.fetcher, expectedNodes: expected, policies });
  await waitForWorkloads(workloadsIn(manifestsDir), kubectl, policies.workloads, clock, reporter);

  reporter.step(`${environment.name} is deployed`);
  return accessSummary(environment, kubectl, config.kubeconfigPath);
}
