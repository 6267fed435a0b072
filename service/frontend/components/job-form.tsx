"use client";
import { startTransition, useActionState, useMemo, useState, type ChangeEvent, type FormEvent } from "react";
import { LANGUAGES, type Language } from "../../contract/languages";
import { SOURCE_EXTENSIONS, SOURCE_LIMITS } from "../../contract/source";
import { submitJob, type SubmitState } from "../app/actions";
import { LANGUAGE_NAMES } from "../lib/format";
import { defaultFileName, FORM_FIELDS, parseSubmission, type Upload } from "../lib/submission";

const INITIAL: SubmitState = {};

/** New-job form: the same checks as the server (parseSubmission) run before anything is sent. */
export function JobForm() {
  const [state, action, pending] = useActionState(submitJob, INITIAL);
  const [language, setLanguage] = useState<Language>("go");
  const [filename, setFilename] = useState("");
  const [source, setSource] = useState("");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [tried, setTried] = useState(false);

  const check = useMemo(() => parseSubmission({ language, filename, source, uploads }), [language, filename, source, uploads]);
  const problems = check.ok ? [] : check.problems;
  const shown = tried ? problems : [];

  async function onFiles(e: ChangeEvent<HTMLInputElement>) {
    const list = Array.from(e.currentTarget.files ?? []);
    setUploads(await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))));
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    // Dispatched by hand (not through the form's action) so React does not reset the form: after
    // a refused submission the user's source and files stay as they were. Without JavaScript the
    // form posts to the same action.
    e.preventDefault();
    setTried(true);
    if (problems.length > 0) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    // An empty file input contributes a nameless part, which the action call would turn into a
    // Blob named "blob": send only the files actually chosen.
    data.delete(FORM_FIELDS.uploads);
    const input = form.elements.namedItem(FORM_FIELDS.uploads);
    if (input instanceof HTMLInputElement) for (const f of Array.from(input.files ?? [])) data.append(FORM_FIELDS.uploads, f);
    startTransition(() => action(data));
  }

  const accept = SOURCE_EXTENSIONS[language].join(",");
  return (
    <form action={action} onSubmit={onSubmit} className="job-form" aria-describedby="form-help">
      <p id="form-help" className="help">
        Paste one source file, or upload one or more files (or both). At most {SOURCE_LIMITS.maxFiles} files and {SOURCE_LIMITS.maxTotalBytes / 1024} KiB in
        total.
      </p>
      <div className="row">
        <label htmlFor="language">Language</label>
        <select id="language" name={FORM_FIELDS.language} value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <label htmlFor="filename">File name</label>
        <input
          id="filename"
          name={FORM_FIELDS.filename}
          value={filename}
          placeholder={defaultFileName(language)}
          onChange={(e) => setFilename(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="row">
        <label htmlFor="source">Source code</label>
        <textarea id="source" name={FORM_FIELDS.source} value={source} onChange={(e) => setSource(e.currentTarget.value)} rows={14} spellCheck={false} />
      </div>
      <div className="row">
        <label htmlFor="files">Upload files</label>
        <input id="files" name={FORM_FIELDS.uploads} type="file" multiple accept={accept} onChange={onFiles} />
      </div>
      {shown.length > 0 && (
        <div role="alert" className="problems" data-testid="form-problems">
          <p>Please fix:</p>
          <ul>
            {shown.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {!pending && state.problems && state.problems.length > 0 && (
        <div role="alert" className="problems" data-testid="server-problems">
          <p>The server refused the submission:</p>
          <ul>
            {state.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {!pending && state.error && (
        <p role="alert" className="error" data-testid="submit-error">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? "Submitting…" : "Run"}
      </button>
    </form>
  );
}
