/** Progress output of deploy and destroy: steps, progress lines and results, one place to format them. */

export interface Reporter {
  /** A new phase (`==> Terraform apply`). */
  step(message: string): void;
  /** A detail inside the current phase. */
  info(message: string): void;
  /** A waiting status that changes over time (`nodes Ready 1/3`). */
  progress(message: string): void;
  warn(message: string): void;
  /** Raw output of a long-running tool, passed through. */
  output(chunk: string): void;
}

/** Writes to stderr (progress) so stdout stays clean for the final summary. */
export function streamReporter(out: NodeJS.WritableStream = process.stderr): Reporter {
  return {
    step: (m) => out.write(`\n==> ${m}\n`),
    info: (m) => out.write(`    ${m}\n`),
    progress: (m) => out.write(`    ... ${m}\n`),
    warn: (m) => out.write(`WARNING: ${m}\n`),
    output: (c) => out.write(c),
  };
}

/** Keeps every line, for tests. */
export function memoryReporter(): Reporter & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (m) => lines.push(`step: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    progress: (m) => lines.push(`progress: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    output: () => undefined,
  };
}
