/**
 * Reads `--secrets-file`: `KEY=VALUE` lines (blank lines and `#` comments ignored, an optional
 * `export ` prefix and matching surrounding quotes removed). Errors name the line, never a value.
 */
import { existsSync, readFileSync } from "node:fs";
import { UserError } from "../errors";

export function parseSecretsFile(text: string, source: string): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) {
      problems.push(`${source}:${i + 1}: expected KEY=VALUE`);
      return;
    }
    let value = m[2]!.trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]!)) value = value.slice(1, -1);
    values[m[1]!] = value;
  });
  if (problems.length) throw new UserError(`cannot read the secrets file ${source}:`, problems);
  return values;
}

/** Reads and parses the file, or reports why it cannot be read (missing, a folder, no permission). */
export function readSecretsFile(path: string): Record<string, string> {
  if (!existsSync(path)) throw new UserError(`--secrets-file ${path} does not exist; create it with KEY=VALUE lines (see docs/deploy.md)`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR"
        ? "it is a folder, not a file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied (make it readable by you: chmod u+r)"
          : (code ?? (err as Error).message);
    throw new UserError(`cannot read --secrets-file ${path}: ${why}; give a file with KEY=VALUE lines (see docs/deploy.md)`);
  }
  return parseSecretsFile(text, path);
}
