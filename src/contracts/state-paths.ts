/**
 * Where clusterkit writes files, in one place. Everything the stacks and the deploy step write
 * lives in `state/<env>/` (git-ignored, owner-only), or at an absolute path the user named in
 * config; never onto sources, `package.json`, Terraform state, seeds or the recorded outputs.
 *
 * Config paths are checked twice: `writablePathProblem` when the config is validated (no project
 * root needed), and `resolveWritablePath` when a stack or deploy turns one into a real path (an
 * absolute path may still point into the project).
 */
import { isAbsolute, posix, relative, resolve, win32 } from "node:path";
import { quote, UserError } from "../errors";

export const STATE_ROOT = "state";

/** Files and folders of `state/<env>/` that clusterkit itself owns; config may not name them. */
export const STATE_FILES = {
  /** Terraform state of the local backend. */
  terraformState: "terraform.tfstate",
  /** Non-sensitive stack outputs, read by synth (src/synth/stack-outputs.ts). */
  outputs: "outputs.json",
  /** Held while a deploy or destroy runs (src/deploy/lock.ts). */
  lock: "deploy.lock",
  /** local: seed documents and ISOs per node. */
  seed: "seed",
  /** Per-run snapshots of the manifests a deploy applies. */
  runs: "runs",
  /** Local sign-in accounts and their passwords (src/deploy/local-users.ts). */
  signInUsers: "sign-in-users.json",
} as const;

/** local: the seed documents and ISOs Terraform writes (stacks/local/seed.ts) and destroy removes. */
export const LOCAL_SEED_DIR = statePath("local", STATE_FILES.seed);

/** What a config path is for: a kubeconfig Terraform writes, or the local backend's state file. */
export type WriteRole = "kubeconfig" | "state";

/** Project-relative path inside an environment's state folder, with `/` separators. */
export function statePath(environment: string, ...parts: string[]): string {
  return posix.join(STATE_ROOT, environment, ...parts);
}

function isAbsolutePath(p: string): boolean {
  return posix.isAbsolute(p) || win32.isAbsolute(p);
}

/** Why `name` (the part below state/<env>/) is clusterkit's own file, or undefined. */
function reservedProblem(environment: string, name: string, role: WriteRole): string | undefined {
  const first = name.split("/")[0]!;
  const own = [STATE_FILES.outputs, STATE_FILES.lock, STATE_FILES.seed, STATE_FILES.runs, STATE_FILES.signInUsers];
  if (own.includes(first as (typeof own)[number]))
    return `${statePath(environment, first)} is clusterkit's own (outputs, lock, seeds, run snapshots or sign-in accounts)`;
  if (/^errored/.test(first)) return `${statePath(environment, first)} is where a failed state save is kept`;
  if (role === "kubeconfig") {
    if (/\.tfstate(\.|$)|^terraform\.tfstate/.test(name)) return "it would overwrite Terraform state";
    if (/\.pem$/.test(name)) return "it would overwrite a generated private key";
  } else if (!/\.tfstate$/.test(name)) {
    return "a Terraform state file must end in .tfstate";
  }
  return undefined;
}

/**
 * What is wrong with a path config names for a file Terraform writes, or undefined. Relative paths
 * are taken from the project root and must stay inside `state/<env>/`; absolute ones are the user's
 * choice (checked against the project root later, by `resolveWritablePath`).
 */
export function writablePathProblem(environment: string, role: WriteRole, p: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return `must not contain control characters, got ${quote(p)}`;
  if (isAbsolutePath(p)) return undefined;
  const normal = posix.normalize(p.replace(/\\/g, "/"));
  const home = `${statePath(environment)}/`;
  if (!normal.startsWith(home) || normal.length === home.length || normal.endsWith("/")) {
    return `must name a file inside ${home} (relative to the project root) or be an absolute path, got ${quote(p)}`;
  }
  const problem = reservedProblem(environment, normal.slice(home.length), role);
  return problem ? `must not be ${quote(p)}: ${problem}` : undefined;
}

/**
 * The absolute path of a config-named file, or a UserError naming `field` when it would land on
 * something clusterkit must not overwrite (an absolute path into the project's sources, say).
 */
export function resolveWritablePath(root: string, environment: string, field: string, role: WriteRole, p: string): string {
  const problem = writablePathProblem(environment, role, p);
  if (problem) throw new UserError(`${field}: ${problem}`);
  // A Windows drive path on a POSIX machine cannot be inside the project; leave it as written.
  if (!isAbsolute(p)) {
    if (isAbsolutePath(p)) return p;
    return resolve(root, p);
  }
  const inside = relative(resolve(root), resolve(p));
  if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) {
    const asRelative = inside.split(/[\\/]/).join("/");
    const again = writablePathProblem(environment, role, asRelative);
    if (again)
      throw new UserError(`${field}: ${quote(p)} lies inside the project (${quote(asRelative)}); ${again.replace(/^must name/, "a project path must name")}`);
  }
  return resolve(p);
}

/**
 * The syntax every config path shares (relative or absolute, no control characters). The rule that
 * depends on the environment (`state/<env>/`) is `writablePathProblem`, applied in rules.ts.
 */
export function pathSyntaxProblem(p: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return `must not contain control characters, got ${quote(p)}`;
  if (p.length > 1024) return `must be at most 1024 characters long, got ${p.length}`;
  return undefined;
}
