/**
 * Turns a finished executor Pod into the job's final record content and its output zip: the
 * result frame from the report container's log (contract frame.ts/tar.ts), the runner's summary,
 * previews for the record, and `<jobId>-output.zip` (stdout, stderr, build log, a JSON summary,
 * the program's output files).
 */
import { createHash } from "node:crypto";
import type { V1Pod } from "@kubernetes/client-node";
import { type ExecutorSummary, OUTCOMES, RESULT_FILES } from "../contract/executor";
import { parseFrame } from "../contract/frame";
import type { JobRecord, JobResult, PhaseResult } from "../contract/job";
import { outputZipName } from "../contract/job";
import { readTar, type TarEntry } from "../contract/tar";
import { type FinalState, stateFromPod, stateFromSummary } from "./outcome";
import { buildZip, type ZipEntry } from "./zip";

/** Bytes of each stream kept in the KV record for display; the zip has everything the runner kept. */
export const PREVIEW_BYTES = 16 * 1024;

export interface Collected {
  readonly state: FinalState;
  readonly result: JobResult;
  /** The zip to store (absent when there is nothing to return: the job never ran). */
  readonly zip?: Buffer;
}

function preview(data: Buffer | undefined): string {
  if (!data) return "";
  return data.subarray(0, PREVIEW_BYTES).toString("utf8");
}

function phase(p: ExecutorSummary["run"]): PhaseResult | undefined {
  if (!p) return undefined;
  return { exitCode: p.exitCode ?? null, signal: p.signal ?? null, durationMs: p.durationMs };
}

/** The runner's summary, checked just enough that a broken one is a failure rather than a crash. */
function parseSummary(data: Buffer | undefined): ExecutorSummary {
  if (!data) throw new Error(`the result has no ${RESULT_FILES.summary}`);
  const s = JSON.parse(data.toString("utf8")) as ExecutorSummary;
  if (s?.version !== 1 || !(OUTCOMES as readonly string[]).includes(s.outcome) || typeof s.truncated !== "object" || s.truncated === null) {
    throw new Error(`${RESULT_FILES.summary} is not a version-1 runner summary`);
  }
  return s;
}

export interface CollectInput {
  readonly record: JobRecord;
  readonly pod: V1Pod;
  /** The report container's log, or why it could not be read. */
  readonly log: string | { readonly error: string };
  readonly finishedAt: string;
}

export function collect(input: CollectInput): Collected {
  const { record } = input;
  let entries: TarEntry[] | undefined;
  let summary: ExecutorSummary | undefined;
  let problem = "";
  try {
    if (typeof input.log !== "string") throw new Error(input.log.error);
    entries = readTar(parseFrame(input.log));
    summary = parseSummary(entries.find((e) => e.name === RESULT_FILES.summary)?.data);
  } catch (err) {
    problem = (err as Error).message;
    summary = undefined;
  }
  const state = summary ? stateFromSummary(summary) : stateFromPod(input.pod, problem);
  const file = (name: string) => entries?.find((e) => e.name === name)?.data;
  const stdout = file(RESULT_FILES.stdout);
  const stderr = file(RESULT_FILES.stderr);
  const compileLog = file(RESULT_FILES.compileLog);
  const outputs = summary
    ? (entries ?? []).filter((e) => e.name.startsWith(RESULT_FILES.outputPrefix) && e.name.length > RESULT_FILES.outputPrefix.length)
    : [];
  const base: Omit<JobResult, "zip"> = {
    compileOutput: preview(compileLog),
    stdout: preview(stdout),
    stderr: preview(stderr),
    ...(summary?.compile ? { compile: phase(summary.compile) } : {}),
    ...(summary?.run ? { run: phase(summary.run) } : {}),
    ...(state.limit ? { limit: state.limit } : {}),
    truncated: summary ? Object.values(summary.truncated).some(Boolean) : false,
  };
  const summaryJson = {
    id: record.id,
    language: record.language,
    status: state.status,
    ...(state.error ? { error: state.error } : {}),
    submittedAt: record.submittedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    finishedAt: input.finishedAt,
    files: record.files,
    ...base,
    compileOutput: undefined,
    stdout: undefined,
    stderr: undefined,
    ...(summary ? { limits: summary.limits, truncatedParts: summary.truncated } : {}),
  };
  const zipEntries: ZipEntry[] = [
    { name: "stdout.txt", data: stdout ?? Buffer.alloc(0) },
    { name: "stderr.txt", data: stderr ?? Buffer.alloc(0) },
    { name: "build.log", data: compileLog ?? Buffer.alloc(0) },
    { name: "summary.json", data: Buffer.from(JSON.stringify(summaryJson, null, 2) + "\n") },
    ...outputs.map((e) => ({ name: `output/${e.name.slice(RESULT_FILES.outputPrefix.length)}`, data: e.data })),
  ];
  const zip = buildZip(zipEntries);
  return {
    state,
    zip,
    result: { ...base, zip: { name: outputZipName(record.id), size: zip.length, sha256: createHash("sha256").update(zip).digest("hex") } },
  };
}
