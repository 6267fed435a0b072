/**
 * The languages the service runs and the NATS subjects jobs travel on (the documents' `cola.<lang>`).
 * Dependency-free: imported by the charts, the middleware, the frontend and the tests.
 */
export const LANGUAGES = ["go", "javascript", "c"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Subject prefix from the documents: a job for language L is published on `cola.L`. */
export const SUBJECT_PREFIX = "cola";

export function jobSubject(language: Language): string {
  return `${SUBJECT_PREFIX}.${language}`;
}

export function jobSubjects(): string[] {
  return LANGUAGES.map(jobSubject);
}

/** The language a job subject names, or undefined for any other subject. */
export function languageOfSubject(subject: string): Language | undefined {
  const [prefix, lang, ...rest] = subject.split(".");
  return prefix === SUBJECT_PREFIX && rest.length === 0 && isLanguage(lang) ? lang : undefined;
}

/** Queue group the middleware replicas share, so each job reaches exactly one of them. */
export const MIDDLEWARE_QUEUE_GROUP = "middleware";
