/**
 * The environment each external command gets: only what that tool needs. Cloud credentials reach
 * terraform (the alicloud provider and the OSS backend read them), never kubectl or VBoxManage;
 * the workload's Secret values (OAUTH2_PROXY_*) reach no child at all (they travel on stdin).
 */

/** Every tool: finding programs, home and temp folders, locale, proxies and CA certificates. */
const COMMON: readonly (string | RegExp)[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TMPDIR",
  "TZ",
  "TERM",
  "NO_COLOR",
  "LANG",
  "LANGUAGE",
  /^LC_[A-Z]+$/,
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "XDG_RUNTIME_DIR",
  /^(HTTPS?|NO|ALL)_PROXY$/i,
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  // Windows: where programs and the user's folders are.
  "PATHEXT",
  "SYSTEMROOT",
  "SystemRoot",
  "WINDIR",
  "COMSPEC",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "USERNAME",
  "APPDATA",
  "LOCALAPPDATA",
  "ProgramFiles",
  "ProgramData",
];

/** What each tool needs on top of `COMMON`. */
const TOOLS: Readonly<Record<string, readonly (string | RegExp)[]>> = {
  // The alicloud provider and OSS backend read the credentials; the VirtualBox provider runs
  // VBoxManage and the seed ISO builder (local-exec) as terraform's children.
  terraform: [/^TF_/, /^ALICLOUD_/, /^ALIBABA_CLOUD_/, "CHECKPOINT_DISABLE", /^VBOX_/, "SEED_ISO_TOOL"],
  kubectl: [/^KUBECTL_/, "KUBECACHEDIR"],
  VBoxManage: [/^VBOX_/],
};

function allowed(name: string, rules: readonly (string | RegExp)[]): boolean {
  return rules.some((r) => (typeof r === "string" ? r === name : r.test(name)));
}

/** The subset of `env` that `cmd` may see. */
export function childEnvironment(cmd: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const tool = cmd.replace(/^.*[\\/]/, "").replace(/\.(exe|cmd|bat)$/i, "");
  const rules = [...COMMON, ...(TOOLS[tool] ?? [])];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && allowed(name, rules)) out[name] = value;
  return out;
}
