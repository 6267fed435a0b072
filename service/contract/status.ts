/**
 * Job states. "Pendiente" is the documents' own name for a job the middleware has stored but not
 * yet started; the rest had no name there and use plain English ids (labels for people are in
 * STATUS_LABELS). Final states never change again.
 */
export const JOB_STATUSES = [
  "Pendiente",
  "running",
  "finished",
  "compile-error",
  "runtime-error",
  "time-limit",
  "memory-limit",
  "process-limit",
  "output-limit",
  "rejected",
  "failed",
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** States after which nothing about the job changes (the executor Pod is gone). */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>([
  "finished",
  "compile-error",
  "runtime-error",
  "time-limit",
  "memory-limit",
  "process-limit",
  "output-limit",
  "rejected",
  "failed",
]);

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === "string" && (JOB_STATUSES as readonly string[]).includes(value);
}

export const STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  Pendiente: "Pendiente (pending)",
  running: "Running",
  finished: "Finished",
  "compile-error": "Compile error",
  "runtime-error": "Runtime error (non-zero exit or signal)",
  "time-limit": "Time limit exceeded",
  "memory-limit": "Memory limit exceeded",
  "process-limit": "Process limit exceeded",
  "output-limit": "Output limit exceeded (output truncated)",
  rejected: "Rejected (invalid submission)",
  failed: "Failed (service error, not the program's fault)",
};
