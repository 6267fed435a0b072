/** An error caused by the user's input or machine, reported as a message without a stack trace. */
export class UserError extends Error {
  /** One line per problem, each naming the field (or prerequisite) and the rule it breaks. */
  readonly problems: readonly string[];

  constructor(summary: string, problems: readonly string[] = []) {
    super(problems.length ? `${summary}\n${problems.map((p) => `  - ${p}`).join("\n")}` : summary);
    this.name = "UserError";
    this.problems = problems;
  }
}

/**
 * Runs a command-line entry point: a UserError prints its message and exits 1; anything else is a
 * bug and keeps its stack trace.
 */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`clusterkit: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
