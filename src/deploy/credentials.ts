/**
 * Alibaba Cloud credentials the alicloud Terraform provider will find: an access key pair in the
 * environment (either naming scheme) or a named profile in the aliyun CLI config. Only the
 * presence of variables is checked and reported; values are never read into messages.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const PAIRS: readonly (readonly [string, string])[] = [
  ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"],
  ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
];

const FIX =
  "export ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or set ALICLOUD_PROFILE to a profile in ~/.aliyun/config.json (`aliyun configure --profile NAME`)";

/** Undefined when credentials are present, else one message saying what is missing and how to fix it. */
export function alicloudCredentialsProblem(env: NodeJS.ProcessEnv, home: string | undefined): string | undefined {
  const set = (name: string) => Boolean(env[name]);
  for (const [id, secret] of PAIRS) if (set(id) && set(secret)) return undefined;
  const half = PAIRS.find(([id, secret]) => set(id) !== set(secret));
  if (half) {
    const [present, missing] = set(half[0]) ? half : [half[1], half[0]];
    return `Alibaba Cloud credentials incomplete: ${present} is set but ${missing} is not; ${FIX}`;
  }
  const profile = env.ALICLOUD_PROFILE ?? env.ALIBABA_CLOUD_PROFILE;
  if (profile) {
    const file = env.ALICLOUD_SHARED_CREDENTIALS_FILE ?? (home ? join(home, ".aliyun", "config.json") : undefined);
    if (!file || !existsSync(file)) return `Alibaba Cloud profile '${profile}' is set but ${file ?? "~/.aliyun/config.json"} does not exist; ${FIX}`;
    if (!profileExists(file, profile)) return `Alibaba Cloud profile '${profile}' is not in ${file}; ${FIX}`;
    return undefined;
  }
  return `no Alibaba Cloud credentials found; ${FIX}`;
}

function profileExists(file: string, profile: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { profiles?: unknown } | null;
    const profiles = parsed?.profiles;
    return Array.isArray(profiles) && profiles.some((p) => (p as { name?: unknown } | null)?.name === profile);
  } catch {
    return false;
  }
}
