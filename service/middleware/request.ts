/**
 * Validating a JobRequest (service/contract/job.ts) as it arrives on `cola.<language>`: shape,
 * user id, language matching the subject, and the source rules every layer applies
 * (service/contract/source.ts). Problems are `field: rule` strings, never echoing the source.
 */
import type { JobRequest } from "../contract/job";
import type { Language } from "../contract/languages";
import { type SourceFile, SOURCE_LIMITS, sourceProblems } from "../contract/source";
import { isUserId } from "../contract/user";

export type Checked =
  { readonly ok: true; readonly request: JobRequest } | { readonly ok: false; readonly problems: string[]; readonly userId?: string; readonly email?: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function checkRequest(body: Uint8Array, language: Language): Checked {
  let req: unknown;
  try {
    req = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return { ok: false, problems: ["request: must be a JSON JobRequest"] };
  }
  if (!isObject(req)) return { ok: false, problems: ["request: must be a JSON object"] };
  const problems: string[] = [];
  const userId = isUserId(req.userId) ? req.userId : undefined;
  if (!userId) problems.push("userId: must be the id userIdFromEmail gives ('u' and 32 hex digits)");
  const email = typeof req.email === "string" && req.email.length <= 320 && req.email.includes("@") ? req.email : undefined;
  if (!email) problems.push("email: must be an email address of at most 320 characters");
  if (req.language !== language) problems.push(`language: must be ${JSON.stringify(language)}, the language of the subject it was sent on`);
  const files = req.files;
  if (!Array.isArray(files)) problems.push("files: must be a list of { name, content }");
  else if (files.length > SOURCE_LIMITS.maxFiles) problems.push(`files: at most ${SOURCE_LIMITS.maxFiles} files (got ${files.length})`);
  else problems.push(...sourceProblems(language, files.map((f) => (isObject(f) ? f : {})) as unknown as SourceFile[]));
  if (problems.length) return { ok: false, problems, ...(userId ? { userId } : {}), ...(email ? { email } : {}) };
  const clean: SourceFile[] = (files as SourceFile[]).map((f) => ({ name: f.name, content: f.content }));
  return { ok: true, request: { userId: userId!, email: email!, language, files: clean } };
}

/** File names and sizes of a submission for a rejected record (bounded, whatever was sent). */
export function fileSummaries(body: Uint8Array): { name: string; size: number }[] {
  try {
    const req = JSON.parse(Buffer.from(body).toString("utf8")) as { files?: unknown };
    if (!Array.isArray(req.files)) return [];
    return req.files.slice(0, SOURCE_LIMITS.maxFiles).map((f: unknown) => {
      const o = isObject(f) ? f : {};
      return { name: typeof o.name === "string" ? o.name.slice(0, 64) : "", size: typeof o.content === "string" ? Buffer.byteLength(o.content) : 0 };
    });
  } catch {
    return [];
  }
}
