/**
 * Structured logs: one JSON object per line on stdout. Callers pass ids, states and counts only —
 * never a password, a source file or a job's output; `safe` drops any field whose name suggests
 * otherwise, as a second line of defence.
 */
export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Readonly<Record<string, string | number | boolean | null | undefined>>;

const FORBIDDEN = /pass|secret|token|^source|content|^stdout|^stderr|^files?$|^body$/i;

export interface Logger {
  log(level: Level, msg: string, fields?: Fields): void;
}

function safe(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined && !FORBIDDEN.test(k)) out[k] = typeof v === "string" && v.length > 500 ? `${v.slice(0, 500)}…` : v;
  return out;
}

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l), base: Fields = {}): Logger {
  return {
    log(level, msg, fields = {}) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...safe(base), ...safe(fields) }) + "\n");
    },
  };
}
