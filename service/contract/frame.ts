/**
 * The result frame: the only thing the report container prints. The middleware reads it through
 * `pods/log?container=report`, which the job's own processes cannot write to.
 *
 *   ---BEGIN CLUSTERKIT RESULT v1---
 *   <payload as base64, any line length>
 *   ---END CLUSTERKIT RESULT v1 sha256=<hex of payload> bytes=<payload length>---
 *
 * The payload is a POSIX ustar archive of regular files only (RESULT_FILES). The whole frame must
 * stay under MAX_FRAME_BYTES: the kubelet rotates container logs at 10 MiB by default and serves
 * only the current file, so the runner caps what it packs well below that.
 */
import { createHash } from "node:crypto";

export const FRAME_BEGIN = "---BEGIN CLUSTERKIT RESULT v1---";
const END = /^---END CLUSTERKIT RESULT v1 sha256=([0-9a-f]{64}) bytes=(\d+)---$/;

/** Largest frame the middleware accepts (base64 of ~6 MiB of payload plus line breaks). */
export const MAX_FRAME_BYTES = 9 * 1024 * 1024;

export class FrameError extends Error {}

export function encodeFrame(payload: Uint8Array): string {
  const b64 = Buffer.from(payload).toString("base64");
  const lines = b64.match(/.{1,76}/g) ?? [];
  const sha = createHash("sha256").update(payload).digest("hex");
  return [FRAME_BEGIN, ...lines, `---END CLUSTERKIT RESULT v1 sha256=${sha} bytes=${payload.length}---`, ""].join("\n");
}

/** The payload of the single frame in `log`; throws FrameError when there is not exactly one intact frame. */
export function parseFrame(log: string): Buffer {
  if (log.length > MAX_FRAME_BYTES) throw new FrameError(`result log is ${log.length} bytes, over ${MAX_FRAME_BYTES}`);
  const lines = log.split("\n").map((l) => l.replace(/\r$/, ""));
  const begins = lines.flatMap((l, i) => (l === FRAME_BEGIN ? [i] : []));
  if (begins.length !== 1) throw new FrameError(begins.length === 0 ? "no result frame in the report log" : "more than one result frame in the report log");
  const start = begins[0]!;
  const endIndex = lines.findIndex((l, i) => i > start && END.test(l));
  if (endIndex < 0) throw new FrameError("the result frame has no end line (truncated log?)");
  if (lines.slice(endIndex + 1).some((l) => l.trim() !== "")) throw new FrameError("unexpected text after the result frame");
  const [, sha, bytes] = END.exec(lines[endIndex]!)!;
  const body = lines.slice(start + 1, endIndex).join("");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new FrameError("the result frame's body is not base64");
  const payload = Buffer.from(body, "base64");
  if (payload.length !== Number(bytes)) throw new FrameError(`the result frame says ${bytes} bytes, the body has ${payload.length}`);
  if (createHash("sha256").update(payload).digest("hex") !== sha) throw new FrameError("the result frame's checksum does not match its body");
  return payload;
}
