/**
 * TEST RESPONDER — not the middleware. It stands in for service/middleware in the frontend's
 * browser tests when no Kubernetes API is around to run executor Pods: it answers JobRequests on
 * cola.<lang> as queue group `middleware`, checks them with the contract's rules, stores the record
 * in the user's KV bucket (`Pendiente`, then `running`, then a final state) and a zip in the user's
 * object store, the way the contract says the middleware does. It runs nothing: the "output" is a
 * description of the submission. A source containing `TEST_RESPONDER_STATUS=<status>` ends in that
 * status (e.g. compile-error), so the UI's states can be exercised.
 */
import { createHash } from "node:crypto";
import { connect, type NatsConnection } from "nats";
import { encodeSource, sourceProblems, type SourceFile } from "../../../service/contract/source";
import { newJobId, outputZipName, sourceKey, type JobRecord, type JobRequest, type JobResult } from "../../../service/contract/job";
import { languageOfSubject, MIDDLEWARE_QUEUE_GROUP, SUBJECT_PREFIX } from "../../../service/contract/languages";
import { isFinal, isJobStatus, type JobStatus } from "../../../service/contract/status";
import { isUserId, jobsBucket, outputsBucket } from "../../../service/contract/user";
import { storedZip } from "./zip";

export interface TestResponderOptions {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Time in `Pendiente` and in `running`. @default 300 ms each */
  readonly stepMs?: number;
}

export interface TestResponder {
  /** Requests answered so far. */
  readonly requests: JobRequest[];
  stop(): Promise<void>;
}

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function finalStatus(files: readonly SourceFile[]): JobStatus {
  const m = files.map((f) => /TEST_RESPONDER_STATUS=([a-z-]+)/.exec(f.content)?.[1]).find(Boolean);
  return m && isJobStatus(m) && isFinal(m) ? m : "finished";
}

/** Phases, limit and truncation as the middleware would record them for a job ending in `status`. */
function ending(status: JobStatus, interpreted: boolean): Pick<JobResult, "compile" | "run" | "limit" | "truncated"> {
  const compile = interpreted ? {} : { compile: { exitCode: status === "compile-error" ? 1 : 0, signal: null, durationMs: 120 } };
  const run = (exitCode: number | null, signal: string | null = null) => ({ run: { exitCode, signal, durationMs: 40 } });
  switch (status) {
    case "compile-error":
      return { ...compile, truncated: false };
    case "runtime-error":
      return { ...compile, ...run(null, "SIGSEGV"), truncated: false };
    case "time-limit":
      return { ...compile, ...run(null, "SIGKILL"), limit: "run-time", truncated: false };
    case "memory-limit":
      return { ...compile, ...run(null, "SIGKILL"), limit: "memory", truncated: false };
    case "process-limit":
      return { ...compile, ...run(1), limit: "processes", truncated: false };
    case "output-limit":
      return { ...compile, ...run(null, "SIGKILL"), limit: "output", truncated: true };
    default:
      return { ...compile, ...run(status === "finished" ? 0 : 1), truncated: false };
  }
}

export async function startTestResponder(options: TestResponderOptions): Promise<TestResponder> {
  const nc: NatsConnection = await connect({ servers: options.url, user: options.user, pass: options.password, name: "test-responder" });
  const js = nc.jetstream();
  const step = options.stepMs ?? 300;
  const requests: JobRequest[] = [];
  const running = new Set<Promise<void>>();

  /** Stores the Pendiente record; returns the rest of the job's life, still running. */
  async function lifecycle(request: JobRequest, id: string): Promise<{ rest: Promise<void> }> {
    const kv = await js.views.kv(jobsBucket(request.userId), { history: 1 });
    const submittedAt = new Date().toISOString();
    const base: JobRecord = { id, userId: request.userId, email: request.email, language: request.language, status: "Pendiente", files: request.files.map((f) => ({ name: f.name, size: utf8(f.content) })), submittedAt };
    await kv.put(sourceKey(id), encodeSource(request.files));
    await kv.create(id, JSON.stringify(base));
    // Wrapped: an async function returning a promise would wait for it.
    const rest = (async () => {
      await sleep(step);
      const startedAt = new Date().toISOString();
      await kv.put(id, JSON.stringify({ ...base, status: "running", startedAt }));
      await sleep(step);
      const status = finalStatus(request.files);
      const stdout = `test responder: ${request.language} job with ${request.files.map((f) => f.name).join(", ")}\n`;
      const stderr = status === "finished" ? "" : `test responder: ended as ${status}\n`;
      const compileOutput = status === "compile-error" ? "main: test responder compile error\n" : "";
      const summary = { id, language: request.language, status, files: base.files };
      const zip = storedZip([
        { name: "stdout.txt", data: Buffer.from(stdout) },
        { name: "stderr.txt", data: Buffer.from(stderr) },
        { name: "build.log", data: Buffer.from(compileOutput) },
        { name: "summary.json", data: Buffer.from(JSON.stringify(summary, null, 2) + "\n") },
      ]);
      const os = await js.views.os(outputsBucket(request.userId));
      await os.putBlob({ name: outputZipName(id) }, zip);
      const result: JobResult = { ...ending(status, request.language === "javascript"), compileOutput, stdout, stderr, zip: { name: outputZipName(id), size: zip.length, sha256: createHash("sha256").update(zip).digest("hex") } };
      await kv.put(id, JSON.stringify({ ...base, status, startedAt, finishedAt: new Date().toISOString(), result }));
    })();
    return { rest };
  }

  const sub = nc.subscribe(`${SUBJECT_PREFIX}.*`, {
    queue: MIDDLEWARE_QUEUE_GROUP,
    callback: (err, msg) => {
      if (err) return;
      const work = (async () => {
        let request: JobRequest;
        try {
          request = JSON.parse(new TextDecoder().decode(msg.data)) as JobRequest;
        } catch {
          return void msg.respond(JSON.stringify({ ok: false, error: "request: not JSON" }));
        }
        const language = languageOfSubject(msg.subject);
        const problems = !language || request.language !== language ? ["language: does not match the subject"] : !isUserId(request.userId) ? ["userId: not a user id"] : sourceProblems(language, request.files);
        if (problems.length > 0) return void msg.respond(JSON.stringify({ ok: false, error: problems.join("; ") }));
        requests.push(request);
        const id = newJobId();
        try {
          const { rest } = await lifecycle(request, id);
          msg.respond(JSON.stringify({ ok: true, id }));
          await rest.catch((e: Error) => console.error(`test responder: job ${id}: ${e.message}`));
        } catch (e) {
          msg.respond(JSON.stringify({ ok: false, error: `test responder: ${(e as Error).message}` }));
        }
      })();
      running.add(work);
      void work.finally(() => running.delete(work));
    },
  });
  await nc.flush();
  return {
    requests,
    async stop() {
      sub.unsubscribe();
      await Promise.allSettled([...running]);
      await nc.drain().catch(() => undefined);
    },
  };
}
