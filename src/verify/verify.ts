/**
 * `npm run verify -- <env>`: the checks in order, each with a pass/fail/skip line, as a table or
 * JSON. A check that throws is a failure with its message, never a stack trace; the later checks
 * still run (one broken piece does not hide the state of the others).
 */
import { randomBytes } from "node:crypto";
import { clusterCheck } from "./checks/cluster";
import { hpaCheck } from "./checks/hpa";
import { isolationCheck } from "./checks/isolation";
import { jobsCheck } from "./checks/jobs";
import { replaceCheck } from "./checks/replace";
import { webCheck } from "./checks/web";
import type { CheckId, CheckResult, CheckSpec, VerifyContext } from "./types";

/** In order: the cheap facts first, the pod deletion after the HPA has settled. */
export const CHECKS: readonly CheckSpec[] = [clusterCheck, webCheck, hpaCheck, replaceCheck, jobsCheck, isolationCheck];

export const randomToken = () => randomBytes(6).toString("hex");

export interface VerifyReport {
  readonly environment: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

export async function runVerify(ctx: VerifyContext, only?: readonly CheckId[]): Promise<VerifyReport> {
  const results: CheckResult[] = [];
  for (const [i, check] of CHECKS.entries()) {
    if (only && !only.includes(check.id)) continue;
    ctx.reporter.step(`Check ${i + 1}/${CHECKS.length}: ${check.title}`);
    const started = ctx.clock.now();
    let outcome;
    try {
      outcome = await check.run(ctx);
    } catch (err) {
      outcome = { status: "fail" as const, summary: (err as Error).message.split("\n")[0] ?? String(err), details: [] };
    }
    const result: CheckResult = { id: check.id, title: check.title, durationMs: ctx.clock.now() - started, ...outcome };
    ctx.reporter.info(`${result.status.toUpperCase()}: ${result.summary}`);
    results.push(result);
  }
  return { environment: ctx.environment.name, ok: results.every((r) => r.status !== "fail"), checks: results };
}

/** The human-readable table: one line per check, then details indented under it. */
export function formatReport(report: VerifyReport): string {
  const width = Math.max(...CHECKS.map((c) => c.id.length));
  const lines = [`verify ${report.environment}:`];
  for (const r of report.checks) {
    const n = CHECKS.findIndex((c) => c.id === r.id) + 1;
    lines.push(`${r.status.toUpperCase().padEnd(4)}  ${n} ${r.id.padEnd(width)}  ${r.summary}`);
    for (const d of r.details ?? []) lines.push(`${" ".repeat(width + 10)}${d}`);
  }
  const failed = report.checks.filter((r) => r.status === "fail").length;
  const skipped = report.checks.filter((r) => r.status === "skip").length;
  lines.push(`${report.checks.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return lines.join("\n");
}

export function helpText(): string {
  return [
    "usage: npm run verify -- <environment> [--json] [--only <check>[,<check>...]]",
    "",
    "Checks the deployed environment with the kubeconfig deploy wrote (never SSH), prints one",
    "PASS/FAIL/SKIP line per check and exits non-zero when any check fails.",
    "  --json    print the report as JSON on stdout (progress still goes to stderr)",
    "  --only    run only these checks",
    "",
    "Checks:",
    ...CHECKS.flatMap((c, i) => [`  ${i + 1}. ${c.id}: ${c.title}`, ...wrap(c.explains, 88).map((l) => `       ${l}`)]),
  ].join("\n");
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
