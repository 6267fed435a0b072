/**
 * Secret values never reach the terminal: every line deploy or destroy prints, and every error
 * they end with, passes through a `Redactor` that knows the values in play (the workload's Secret
 * values, generated passwords, the bootstrap token, cloud keys from the environment). kubectl
 * echoes rejected objects in its errors, base64-encoded as Secrets store them, so those forms are
 * redacted too.
 */
import { UserError } from "../errors";
import type { Reporter } from "./reporter";

/** Variables whose values are credentials (only their presence is ever reported). */
const SECRET_ENV_VARS = [
  "ALICLOUD_ACCESS_KEY",
  "ALICLOUD_SECRET_KEY",
  "ALICLOUD_SECURITY_TOKEN",
  "ALIBABA_CLOUD_ACCESS_KEY_ID",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN",
  "OAUTH2_PROXY_CLIENT_SECRET",
  "OAUTH2_PROXY_COOKIE_SECRET",
  "CLUSTERKIT_REGISTRY_PASSWORD",
] as const;

const REDACTED = "<redacted>";

/** Shorter values are not redacted: they would also match ordinary words (and are no real secret). */
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  private readonly forms = new Set<string>();

  /** Remembers a secret value (and its base64 forms). */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    const b64 = Buffer.from(value, "utf8").toString("base64");
    for (const form of [value, b64, b64.replace(/=+$/, ""), Buffer.from(value, "utf8").toString("base64url"), JSON.stringify(value).slice(1, -1)]) {
      if (form.length >= MIN_SECRET_LENGTH) this.forms.add(form);
    }
  }

  /** Remembers the credentials in an environment. */
  addEnvironment(env: NodeJS.ProcessEnv): void {
    for (const name of SECRET_ENV_VARS) this.add(env[name]);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a value's base64 form is not half-replaced by a shorter value inside it.
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
    return out;
  }

  /** A reporter that redacts every line before printing it. */
  reporter(inner: Reporter): Reporter {
    return {
      step: (m) => inner.step(this.redact(m)),
      info: (m) => inner.info(this.redact(m)),
      progress: (m) => inner.progress(this.redact(m)),
      warn: (m) => inner.warn(this.redact(m)),
      output: (c) => inner.output(this.redact(c)),
    };
  }

  /** The same error (same class, same exit status) with every secret value redacted from its message, problems and stack. */
  error(err: unknown): unknown {
    if (err instanceof Error) {
      err.message = this.redact(err.message);
      if (err instanceof UserError) Object.assign(err, { problems: err.problems.map((p) => this.redact(p)) });
      if (err.stack) err.stack = this.redact(err.stack);
    }
    return err;
  }
}
