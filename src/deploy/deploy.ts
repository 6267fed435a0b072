/**
 * `npm run deploy -- <env>`: preflight (nothing created on failure), synth, terraform apply,
 * outputs -> re-synth, wait for the cluster, upstream installs + our manifests in order with the
 * workload Secrets, then how to reach the app. Every step is re-entrant: an interrupted run is
 * resumed by running the same command again.
 */
import { factsOf } from "../config/profiles";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CHART_IDS } from "../contracts/chart-ids";
import { SSH_DIR } from "../contracts/node-access";
import { clusterNodes } from "../contracts/local-nodes";
import { boxFile, ensureBox } from "../box/build";
import { httpOpen, type Opener } from "../box/download";
import { type BaseImage, UBUNTU_NOBLE } from "../config/base-image";
import { environmentNamed } from "../config/load";
import type { Environment, EnvironmentConfigs, EnvironmentName, LocalConfig } from "../config/schema";
import { type UpstreamInstall, upstreamInstallsFor } from "../config/upstream";
import { resolveWritablePath } from "../contracts/state-paths";
import { fsUserError, UserError } from "../errors";
import { outputValues, stackOutputsPath } from "../synth/stack-outputs";
import { stackOutputsFrom } from "../contracts/stack-outputs";
import { synthesize } from "../synth/synth";
import { accessSummary } from "./access";
import { type ApplyPolicies, DEFAULT_APPLY_POLICIES, executePlan } from "./apply";
import { LOCAL_OUTPUTS } from "../contracts/stack-outputs";
import { expectedNodes } from "./expected-nodes";
import { renewBootstrapToken } from "./bootstrap-token";
import { waitForApi, waitForNodes } from "./cluster-wait";
import { Interruption, interruptedError, interruptibleClock, interruptibleRunner } from "./interrupt";
import { Kubectl } from "./kubectl";
import { describeUnparsed, parseKubectlJson, secretSchema } from "./kubectl-json";
import { ensureLabKeys } from "./lab-keys";
import { planReport } from "./plan-report";
import { acquireLock, type HeldLock } from "./lock";
import { manifestFiles } from "./manifest-files";
import { assertNoPlaceholders, writeStackOutputs } from "./outputs";
import { planApply } from "./plan";
import { assertNoProblems, preflightDeploy } from "./preflight";
import { Redactor } from "./redact";
import type { Reporter } from "./reporter";
import { type Clock, type RetryPolicy } from "./retry";
import { findOnPath, type Runner } from "./runner";
import type { ResolvedSecret } from "./secret-values";
import { prepareStateDir, protectStateFiles } from "./state-dir";
import { erroredStateRecovery, rescueErroredState, snapshotManifests, stackDir } from "./state-files";
import { Terraform } from "./terraform";
import { ensureUpstream, type Fetcher } from "./upstream-cache";
import { waitForWorkloads, workloadsIn } from "./workload-wait";
import {
  archiveMatches,
  archivePath,
  hasImagesScript,
  type ImageBuilder,
  type ImageDelivery,
  type ImagePlan,
  imagePreflightProblems,
  type ImagePusher,
  npmImageBuilder,
  planImages,
  registryPusher,
} from "./images";
import { ensureSignInUsers, htpasswd, type LocalUser, localUsersSecret, parseHtpasswd, signInUsersFile } from "./local-users";
import { LOCAL_USERS_KEY, LOCAL_USERS_SECRET } from "../contracts/secrets";
import type { HttpClient, LoadRunner, VerifyPolicies } from "../verify/types";
import { DEFAULT_VERIFY_POLICIES } from "../verify/types";
import { formatReport, randomToken, runVerify, type VerifyReport } from "../verify/verify";
import type { VerifyContext } from "../verify/types";
import { nodeHttp } from "../verify/http";
import { realLoad } from "../verify/context";

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
  /** Builds missing image archives. @default `npm run images -- build <names> --env <env>` */
  readonly imageBuilder?: ImageBuilder;
  /** Pushes an image archive. @default the OCI distribution client (src/registry/) */
  readonly imagePusher?: ImagePusher;
  /** Skip `verify` at the end (`--skip-verify`). @default false */
  readonly skipVerify?: boolean;
  /**
   * bcrypt cost of the local sign-in accounts' hashes (4 to 31). Tests lower it: the same hashes,
   * 64 times cheaper to compute. @default BCRYPT_COST (10)
   */
  readonly bcryptCost?: number;
  /** Runs the verify checks. @default runVerify */
  readonly verifier?: (ctx: VerifyContext) => Promise<VerifyReport>;
  /** HTTP client and load generator verify uses. @default Node's http, scripts/loadgen.ts */
  readonly verifyHttp?: HttpClient;
  readonly verifyLoad?: LoadRunner;
  /** @default DEFAULT_VERIFY_POLICIES */
  readonly verifyPolicies?: VerifyPolicies;
  /** Stop requests (Ctrl-C, SIGTERM); the same object the process runner forwards. @default never interrupted */
  readonly interruption?: Interruption;
  /** Opens the base image download when the box must be built. @default httpOpen */
  readonly open?: Opener;
  /** The base image a missing box is built from. @default UBUNTU_NOBLE */
  readonly baseImage?: BaseImage;
}

export { stackDir };

/** The apply plan for the environment's synthesized manifests. */
export function applyPlanFor(
  environment: Environment,
  manifestsDir: string,
  secrets: readonly ResolvedSecret[],
  installsFor: (config: LocalConfig) => readonly UpstreamInstall[] = upstreamInstallsFor,
  images: readonly ImageDelivery[] = [],
) {
  return planApply({
    files: manifestFiles(manifestsDir),
    installs: environment.kind === "local" ? installsFor(environment.config) : [],
    // The service's images are in the registry before the chart that runs them is applied.
    images: { values: images, before: CHART_IDS.faas },
    secrets: { values: secrets, before: CHART_IDS.faas },
    // Locally we install the CNI, so nodes become Ready only after it; ACK's are Ready before.
    nodesReadyAfter: factsOf(environment).installsCni ? CHART_IDS.cni : undefined,
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

/**
 * Builds every image deploy pushes whose archive is missing or was built for another tag, before
 * anything is created; afterwards each archive must hold exactly the configured image.
 */
async function buildImages(plan: ImagePlan, environment: Environment, opts: DeployOptions): Promise<void> {
  if (!plan.deliveries.length) return;
  const missing = plan.deliveries.filter((d) => !archiveMatches(archivePath(opts.root, d.name), d));
  opts.reporter.step(
    `Images: ${plan.deliveries.length} built by this repository${missing.length ? `; building ${missing.map((d) => d.name).join(", ")} (the first build takes a while)` : ", archives up to date"}`,
  );
  if (missing.length) {
    const builder = opts.imageBuilder ?? npmImageBuilder(opts.root, opts.runner, opts.reporter);
    try {
      await builder(
        missing.map((d) => d.name),
        environment,
      );
    } catch (err) {
      throw new UserError(`building the images failed before anything was created: ${(err as Error).message}`, [
        "fix the cause and run the same command again",
      ]);
    }
    const still = missing.filter((d) => !archiveMatches(archivePath(opts.root, d.name), d));
    if (still.length) {
      throw new UserError(
        "the image build did not produce the configured images:",
        still.map((d) => `${d.field}: build/images/${d.name}.tar does not hold ${d.reference}`),
      );
    }
  }
  for (const d of plan.deliveries) opts.reporter.info(`${d.field}: ${d.reference} from build/images/${d.name}.tar`);
}

/** Local sign-in accounts: passwords kept in state/, bcrypt hashes in the cluster; returns the new ones. */
async function applyLocalUsers(environment: Environment, kubectl: Kubectl, opts: DeployOptions, created: LocalUser[]): Promise<void> {
  const faas = environment.config.faas;
  if (!faas.enabled || faas.oauth2Proxy.signIn !== "local-users") return;
  const file = signInUsersFile(opts.root, environment.name);
  const { users, created: fresh } = ensureSignInUsers(file, faas);
  created.push(...fresh);
  const r = await kubectl.run(["-n", faas.namespace, "get", "secret", LOCAL_USERS_SECRET, "-o", "json", "--ignore-not-found", "--request-timeout=20s"]);
  if (r.code !== 0)
    throw new UserError(`reading Secret ${faas.namespace}/${LOCAL_USERS_SECRET} failed (exit ${r.code})`, [
      r.stderr.trim(),
      "fix the cause and run the same command again",
    ]);
  const secret = r.stdout.trim() ? parseKubectlJson(r.stdout, secretSchema) : { data: {} };
  // Never echoed: it is a Secret. Carrying on would replace every account's password hash.
  if (!secret)
    throw new UserError(`reading Secret ${faas.namespace}/${LOCAL_USERS_SECRET} gave ${describeUnparsed(r.stdout)}`, [
      "check kubectl and the cluster, then run the same command again",
    ]);
  const current = parseHtpasswd(Buffer.from(secret.data?.[LOCAL_USERS_KEY] ?? "", "base64").toString("utf8"));
  const applied = await kubectl.applyStdin(localUsersSecret(faas.namespace, htpasswd(users, current, opts.bcryptCost)));
  if (applied.code !== 0)
    throw new UserError(`creating Secret ${faas.namespace}/${LOCAL_USERS_SECRET} failed (exit ${applied.code})`, [
      applied.stderr.trim(),
      "fix the cause and run the same command again",
    ]);
  opts.reporter.info(
    `Secret ${faas.namespace}/${LOCAL_USERS_SECRET} applied: ${users.length} local sign-in accounts (bcrypt hashes; passwords in state/${environment.name}/sign-in-users.json)`,
  );
}

/** Where Terraform keeps this environment's state, for messages. */
function stateLocation(environment: Environment): string {
  return factsOf(environment).stateLocation;
}

/**
 * Runs a terraform step. When it fails or is interrupted, state Terraform could not save
 * (errored.tfstate) is moved to state/<env>/ and named with the way to recover; an interruption
 * Terraform survived cleanly says that its state is saved.
 */
export async function terraformStep<T>(what: string, environment: Environment, root: string, interruption: Interruption, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const rescued = rescueErroredState(root, environment.name, stackDir(root, environment.name));
    const exitCode = err instanceof UserError ? err.exitCode : 1;
    if (rescued)
      throw new UserError(
        `terraform ${what} ${interruption.signal ? `was interrupted by ${interruption.signal} and` : "failed and"} could not save its state`,
        erroredStateRecovery(environment.name, [rescued]),
        exitCode,
      );
    if (interruption.signal) {
      throw interruptedError(interruption.signal, `during terraform ${what}`, [
        `terraform stopped cleanly; its state is saved (${stateLocation(environment)})`,
      ]);
    }
    throw err;
  }
}

export async function deploy(opts: DeployOptions): Promise<string[]> {
  // Every line printed and the error deploy may end with pass the redactor (redact.ts).
  const redactor = new Redactor();
  redactor.addEnvironment(opts.env);
  const held: { lock?: HeldLock; snapshot?: string } = {};
  try {
    return await deploySteps(opts, redactor, held);
  } catch (err) {
    throw redactor.error(fsUserError(err, opts.root) ?? err);
  } finally {
    if (held.snapshot) rmSync(held.snapshot, { recursive: true, force: true });
    held.lock?.release();
  }
}

async function deploySteps(opts: DeployOptions, redactor: Redactor, held: { lock?: HeldLock; snapshot?: string }): Promise<string[]> {
  const { root } = opts;
  const reporter = redactor.reporter(opts.reporter);
  const interruption = opts.interruption ?? new Interruption();
  const runner = interruptibleRunner(opts.runner, interruption);
  const clock = interruptibleClock(opts.clock, interruption);
  const policies = opts.policies ?? DEFAULT_DEPLOY_POLICIES;
  const environment = environmentNamed(opts.configs, opts.environment);
  const config = environment.config;

  reporter.step(`Preflight checks for ${environment.name}`);
  const pre = await preflightDeploy(environment, { root, env: opts.env, runner, secretsFile: opts.secretsFile });
  for (const s of pre.secrets) for (const v of Object.values(s.data)) redactor.add(v);
  const images = planImages(environment);
  const imageProblems = imagePreflightProblems(root, images, opts.env, opts.imageBuilder !== undefined || hasImagesScript(root));
  // Building images from Debian packages needs mmdebstrap (docs/images.md); say so before anything is created.
  const toBuild = images.deliveries.filter((d) => !archiveMatches(archivePath(root, d.name), d));
  if (toBuild.length && !opts.imageBuilder && !findOnPath("mmdebstrap", opts.env)) {
    imageProblems.push(
      `building ${toBuild.map((d) => d.name).join(", ")} (build/images/ lacks them) needs mmdebstrap on PATH (apt-get install mmdebstrap; see docs/images.md), or copy built archives into build/images/`,
    );
  }
  const problems = [...pre.problems, ...imageProblems];
  // --plan looks before anything is installed: it reports the problems instead of stopping at them.
  if (!opts.planOnly) assertNoProblems("deploy", environment.name, problems);
  reporter.info(problems.length ? `${problems.length} prerequisite problem(s), listed with the plan` : "all prerequisites present");

  if (!opts.planOnly) {
    // Before anything is created (no lock, no state folder): a failed build or an offline machine fails here.
    if (environment.kind === "local" && !existsSync(boxFile(root, environment.config.image.path))) {
      reporter.step(`Base box ${environment.config.image.path} is missing: building it (npm run box)`);
      await ensureBox({
        root,
        boxPath: environment.config.image.path,
        image: opts.baseImage ?? UBUNTU_NOBLE,
        runner,
        open: opts.open ?? httpOpen,
        reporter,
        env: opts.env,
      });
      interruption.check("after building the base box");
    }
    await buildImages(images, environment, { ...opts, runner, reporter });
    interruption.check("after building the images");
    await fetchUpstreamInstalls(environment, { ...opts, reporter });
    interruption.check("after the upstream downloads");
    held.lock = acquireLock(root, environment.name, "deploy", clock.now());
  }
  const lockToken = held.lock?.info.token;

  reporter.step("Synthesizing Terraform and manifests");
  // This environment only: the others' cdktf.out and dist folders stay as they are.
  const only = [environment.name];
  const synth = synthesize(opts.configs, { root, lockToken, only });
  for (const w of synth.warnings) reporter.warn(w);
  interruption.check("after synthesizing");

  if (opts.planOnly) {
    const manifestsDir = join(root, "dist", environment.name);
    return planReport({
      root,
      environment,
      stackDir: stackDir(root, environment.name),
      manifestsDir,
      steps: applyPlanFor(environment, manifestsDir, pre.secrets, opts.upstreamInstalls, images.deliveries),
      images: images.deliveries.map((d) => `${d.reference} from build/images/${d.name}.tar (built when missing)`),
      verify: !opts.skipVerify,
      baseImage: opts.baseImage ?? UBUNTU_NOBLE,
      problems,
    });
  }

  reporter.step(`Terraform apply (stack ${environment.name}); this takes a while, output follows`);
  const terraform = new Terraform(runner, stackDir(root, environment.name), reporter);
  prepareStateDir(root, environment.name);
  if (environment.kind === "local") {
    // The seeds read these files at apply time (stacks/local/seed.ts).
    const { created } = ensureLabKeys(
      root,
      clusterNodes(environment.config).map((n) => n.vm.name),
    );
    reporter.info(
      created.length ? `SSH keys created in ${SSH_DIR}: ${created.map((f) => f.slice(SSH_DIR.length + 1)).join(", ")}` : `SSH keys in ${SSH_DIR} kept`,
    );
  }
  await terraformStep("init", environment, root, interruption, () => terraform.init());
  const kubeconfig = resolveWritablePath(root, environment.name, `${environment.name}.kubeconfigPath`, "kubeconfig", config.kubeconfigPath);
  if (environment.kind === "local") {
    // Workers this apply adds or replaces join with the bootstrap token: renew it in the running cluster.
    if (existsSync(kubeconfig)) {
      const readToken = async () => {
        const token = await terraform.output(LOCAL_OUTPUTS.bootstrap_token);
        redactor.add((token as { secret?: string } | undefined)?.secret);
        return token;
      };
      await renewBootstrapToken(new Kubectl(runner, kubeconfig), readToken, clock.now(), reporter);
    } else {
      reporter.info("bootstrap token renewal skipped: no kubeconfig yet (first deploy)");
    }
  }
  await terraformStep("apply", environment, root, interruption, () => terraform.apply());
  protectStateFiles(root, environment.name);
  const outputs = await terraformStep("output", environment, root, interruption, () => terraform.outputs());
  // Recorded for `npm run diagram`; the manifests get the outputs as an argument, not from this file.
  const kept = writeStackOutputs(root, environment.name, outputs);
  reporter.info(`outputs ${kept.join(", ") || "(none)"} written to ${stackOutputsPath(environment.name)}`);

  reporter.step("Re-synthesizing manifests with the stack's outputs");
  const visible = Object.fromEntries(Object.entries(outputs).filter(([, o]) => !o.sensitive));
  synthesize(opts.configs, { root, terraform: false, lockToken, only, outputs: { [environment.name]: stackOutputsFrom(outputValues(visible)) } });
  // What this run applies from here on is its own copy: nothing rewriting dist/ can change it.
  const distDir = join(root, "dist", environment.name);
  const manifestsDir = snapshotManifests(root, environment.name, distDir, manifestFiles(distDir), clock.now());
  held.snapshot = manifestsDir;
  assertNoPlaceholders(manifestsDir, environment.name);

  if (!existsSync(kubeconfig)) {
    throw new UserError(`terraform apply finished but the kubeconfig ${config.kubeconfigPath} was not written`, [
      "check the stack's outputs and run the same command again",
    ]);
  }
  const kubectl = new Kubectl(runner, kubeconfig);
  const expected = expectedNodes(environment);
  reporter.step("Waiting for the cluster");
  await waitForApi(kubectl, policies.api, clock, reporter);
  // Nodes are Ready before our manifests unless our manifests install the CNI.
  await waitForNodes(kubectl, expected, !factsOf(environment).installsCni, policies.cluster, clock, reporter);

  const steps = applyPlanFor(environment, manifestsDir, pre.secrets, opts.upstreamInstalls, images.deliveries);
  const createdUsers: LocalUser[] = [];
  await executePlan(steps, {
    kubectl,
    reporter,
    clock,
    root,
    manifestsDir,
    fetcher: opts.fetcher,
    expectedNodes: expected,
    policies,
    images: { pusher: opts.imagePusher ?? registryPusher, env: opts.env },
    afterSecrets: () => applyLocalUsers(environment, kubectl, { ...opts, reporter }, createdUsers),
    redactor,
  });
  await waitForWorkloads(workloadsIn(manifestsDir), kubectl, policies.workloads, clock, reporter);

  reporter.step(`${environment.name} is deployed`);
  const lines = await accessSummary(environment, kubectl, config.kubeconfigPath);
  lines.push(...signInLines(environment, createdUsers));
  if (opts.skipVerify) {
    lines.push(`verify skipped (--skip-verify); run it any time: npm run verify -- ${environment.name}`);
    return lines;
  }
  const report = await (opts.verifier ?? runVerify)({
    environment,
    kubectl,
    http: opts.verifyHttp ?? nodeHttp,
    load: opts.verifyLoad ?? realLoad,
    clock,
    reporter,
    policies: opts.verifyPolicies ?? DEFAULT_VERIFY_POLICIES,
    signInUsersFile: signInUsersFile(root, environment.name),
    token: randomToken,
  });
  if (!report.ok) {
    // Say how to sign in even though verify failed: the accounts exist and the passwords were just made.
    throw new UserError(`${environment.name} is deployed, but verify found problems:`, [...formatReport(report).split("\n"), ...lines]);
  }
  return [...lines, ...formatReport(report).split("\n")];
}

/** How to sign in: new accounts with their passwords (shown this once), else where they are kept. */
function signInLines(environment: Environment, created: readonly LocalUser[]): string[] {
  const faas = environment.config.faas;
  if (!faas.enabled || faas.oauth2Proxy.signIn !== "local-users") return [];
  const file = `state/${environment.name}/sign-in-users.json`;
  if (!created.length) return [`sign in with the accounts in ${file} (owner-only; delete an entry and re-deploy to get a new password)`];
  return [`new sign-in accounts (passwords shown once; kept in ${file}):`, ...created.map((u) => `  ${u.email}  ${u.password}`)];
}
