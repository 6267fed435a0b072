/**
 * state/<env>/ holds Terraform state with private keys (cluster CA, token, admin client key, the
 * generated node key), seeds and kubeconfigs: owner-only. Terraform's local backend would create
 * the folder 0755 and the state 0644 under a usual umask, so deploy and destroy create the folder
 * first, run Terraform with umask 077 (terraform.ts), and tighten state files left by older runs.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { STATE_ROOT, statePath } from "../contracts/state-paths";

function stateDir(root: string, environment: string): string {
  return join(root, statePath(environment));
}

/** Creates state/<env>/ (and state/) as 0700, or tightens them when they already exist. */
export function prepareStateDir(root: string, environment: string): void {
  const dir = stateDir(root, environment);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(join(root, STATE_ROOT), 0o700);
  chmodSync(dir, 0o700);
}

/** chmod 0600 on terraform.tfstate and its backups (a state file keeps its mode when Terraform rewrites it). */
export function protectStateFiles(root: string, environment: string): void {
  const dir = stateDir(root, environment);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith("terraform.tfstate")) chmodSync(join(dir, name), 0o600);
}
