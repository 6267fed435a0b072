/** Display helpers. Times are rendered on the server in UTC so server and browser agree. */
import type { Language } from "../../contract/languages";

export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { go: "Go", javascript: "JavaScript", c: "C" };

/** `2025-03-01 14:05:09 UTC`, or an em dash for a missing time. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Time between two ISO times, or undefined when either is missing. */
export function elapsedMs(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** An error's message for people; never a stack trace. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
