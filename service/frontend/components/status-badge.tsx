import { isFinal, STATUS_LABELS, type JobStatus } from "../../contract/status";

/** The status as text (colour only repeats it). */
export function StatusBadge({ status }: { status: JobStatus }) {
  const kind = status === "finished" ? "ok" : isFinal(status) ? "bad" : "busy";
  return (
    <span className={`status status-${kind}`} data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  );
}
