/**
 * What the job form holds, and the checks on it. Runs in the browser (the form checks before it
 * submits) and on the server (the action checks again, because a form can be posted by anything):
 * the same code, so the two never disagree. No Node or NATS imports here.
 */
import { isLanguage, LANGUAGES, type Language } from "../../contract/languages";
import { SOURCE_EXTENSIONS, sourceProblems, type SourceFile } from "../../contract/source";

/** Form field names, shared by the form (client) and the action (server). */
export const FORM_FIELDS = { language: "language", filename: "filename", source: "source", uploads: "files" } as const;

/** The name a pasted source gets unless the user names it: `main.go`, `main.js`, `main.c`. */
export function defaultFileName(language: Language): string {
  return `main${SOURCE_EXTENSIONS[language][0]}`;
}

export interface Upload {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface SubmissionInput {
  readonly language: unknown;
  /** Name for the pasted source. @default defaultFileName(language) */
  readonly filename?: string;
  /** Pasted source; ignored when empty. Line endings are normalised to \n (browsers send \r\n). */
  readonly source?: string;
  readonly uploads?: readonly Upload[];
}

export type Submission = { readonly ok: true; readonly language: Language; readonly files: SourceFile[] } | { readonly ok: false; readonly problems: string[] };

/** The files a form describes, checked with the contract's rules; problems name the field. */
export function parseSubmission(input: SubmissionInput): Submission {
  if (!isLanguage(input.language)) return { ok: false, problems: [`language: must be one of ${LANGUAGES.join(", ")}`] };
  const language = input.language;
  const files: SourceFile[] = [];
  const problems: string[] = [];
  const source = (input.source ?? "").replace(/\r\n?/g, "\n");
  if (source.trim() !== "") files.push({ name: (input.filename ?? "").trim() || defaultFileName(language), content: source });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const u of input.uploads ?? []) {
    try {
      files.push({ name: u.name, content: decoder.decode(u.bytes) });
    } catch {
      problems.push(`files: ${JSON.stringify(u.name).slice(0, 80)} is not UTF-8 text`);
    }
  }
  if (files.length === 0 && problems.length === 0) return { ok: false, problems: ["source: paste the source code or upload at least one file"] };
  if (files.length > 0) problems.push(...sourceProblems(language, files));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, language, files };
}

/** Reads the job form (a multipart FormData from the server action). */
export async function submissionFromForm(form: FormData): Promise<Submission> {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const uploads: Upload[] = [];
  for (const v of form.getAll(FORM_FIELDS.uploads)) {
    // A file input left empty still sends one part: no name, no bytes.
    if (typeof v === "string" || (v.name === "" && v.size === 0)) continue;
    uploads.push({ name: v.name, bytes: new Uint8Array(await v.arrayBuffer()) });
  }
  return parseSubmission({ language: text(FORM_FIELDS.language), filename: text(FORM_FIELDS.filename), source: text(FORM_FIELDS.source), uploads });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads a JobSubmission sent as JSON (`POST /api/jobs`), checked with the same contract rules as the
 * form. Files are taken exactly as sent (a program means its line endings); other fields are ignored.
 */
export function submissionFromJson(body: unknown): Submission {
  if (!isObject(body)) return { ok: false, problems: ["body: must be a JSON object { language, files: [{ name, content }] }"] };
  if (!isLanguage(body.language)) return { ok: false, problems: [`language: must be one of ${LANGUAGES.join(", ")}`] };
  const language = body.language;
  if (!Array.isArray(body.files)) return { ok: false, problems: ["files: must be a list of { name, content }"] };
  const files = body.files.map((f) => (isObject(f) ? f : {})) as unknown as SourceFile[];
  const problems = sourceProblems(language, files);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, language, files: files.map((f) => ({ name: f.name, content: f.content })) };
}
