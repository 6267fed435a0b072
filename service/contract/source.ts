/**
 * A submission's source files and the rules every layer applies to them: the frontend before
 * publishing, the middleware before storing (it rejects what breaks them), the executor runner
 * before compiling. One file pasted or uploaded, or several.
 */
import type { Language } from "./languages";

export interface SourceFile {
  /** Plain file name, no directories: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`. */
  readonly name: string;
  /** UTF-8 text. */
  readonly content: string;
}

export const SOURCE_LIMITS = {
  maxFiles: 20,
  /** Sum of the files' UTF-8 sizes. */
  maxTotalBytes: 128 * 1024,
  /**
   * Bound on the JSON the executor receives (a pod annotation; all annotations of a pod share
   * 256 KiB). JSON escaping can grow content, so this is checked on the encoded form.
   */
  maxEncodedBytes: 200 * 1024,
} as const;

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** File extensions a language's files must have (the runner compiles or runs exactly these). */
export const SOURCE_EXTENSIONS: Readonly<Record<Language, readonly string[]>> = {
  go: [".go"],
  javascript: [".js", ".mjs", ".cjs", ".json"],
  c: [".c", ".h"],
};

/** Entry file for JavaScript: `main.js` when present, else the first `.js`/`.mjs`/`.cjs` file. */
export function javascriptEntry(files: readonly SourceFile[]): string | undefined {
  if (files.some((f) => f.name === "main.js")) return "main.js";
  return files.find((f) => /\.(m|c)?js$/.test(f.name))?.name;
}

/** The encoded form the executor receives (pod annotation, projected as a file). */
export function encodeSource(files: readonly SourceFile[]): string {
  return JSON.stringify({ v: 1, files: files.map((f) => ({ name: f.name, content: f.content })) });
}

/** Problems with a submission, as `field: rule` strings; empty when it is acceptable. */
export function sourceProblems(language: Language, files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  if (!Array.isArray(files) || files.length === 0) return ["files: at least one source file is required"];
  if (files.length > SOURCE_LIMITS.maxFiles) problems.push(`files: at most ${SOURCE_LIMITS.maxFiles} files (got ${files.length})`);
  const seen = new Set<string>();
  let total = 0;
  files.forEach((f, i) => {
    const where = `files[${i}]`;
    if (typeof f?.name !== "string" || !FILE_NAME.test(f.name)) {
      problems.push(`${where}.name: must be a plain file name (letters, digits, '.', '_', '-'; at most 64 characters; no directories)`);
      return;
    }
    if (seen.has(f.name)) problems.push(`${where}.name: duplicate file name ${f.name}`);
    seen.add(f.name);
    if (!SOURCE_EXTENSIONS[language].some((ext) => f.name.endsWith(ext))) {
      problems.push(`${where}.name: ${language} files must end in ${SOURCE_EXTENSIONS[language].join(", ")}`);
    }
    if (typeof f.content !== "string") problems.push(`${where}.content: must be text`);
    else total += utf8Length(f.content);
  });
  if (total > SOURCE_LIMITS.maxTotalBytes) problems.push(`files: at most ${SOURCE_LIMITS.maxTotalBytes} bytes of source in total (got ${total})`);
  if (problems.length === 0) {
    if (language === "javascript" && !javascriptEntry(files))
      problems.push("files: a JavaScript job needs a .js, .mjs or .cjs file (main.js is run when present)");
    if (language === "go" && !files.some((f) => f.name.endsWith(".go"))) problems.push("files: a Go job needs a .go file");
    if (language === "c" && !files.some((f) => f.name.endsWith(".c"))) problems.push("files: a C job needs a .c file");
    const encoded = utf8Length(encodeSource(files));
    if (encoded > SOURCE_LIMITS.maxEncodedBytes)
      problems.push(`files: the encoded source is ${encoded} bytes, over the ${SOURCE_LIMITS.maxEncodedBytes}-byte limit (control characters count six times)`);
  }
  return problems;
}

/** UTF-8 size; works in the browser (client-side form checks) and in Node. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
