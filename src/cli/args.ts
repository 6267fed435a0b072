/**
 * One small command-line parser for every npm script that takes arguments: each script declares
 * its arguments, options and examples once, and gets `--help`, the rejection of unknown options
 * and arguments (with the list of valid values where there is one) and a usage line from it.
 * What the user typed is echoed quoted and bounded (errors.ts `quote`).
 */
import { quote, UserError } from "../errors";

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** @default false */
  readonly optional?: boolean;
  /**
   * The only values accepted (an environment name, a node name); others are refused with this list.
   * A command whose choices depend on the configuration (environments a config file adds) passes
   * them to `parseCommandLine`, which then wins over these. @default any value
   */
  readonly choices?: readonly string[];
  /** Said after the choices in `--help` when more are possible (environments a config file adds). @default nothing */
  readonly moreChoices?: string;
  /** What a value is called in the refusal (`unknown environment 'x'`). @default the positional's name */
  readonly noun?: string;
}

export interface OptionSpec {
  /** `--name`. */
  readonly flag: string;
  /** Name of the option's value (`--secrets-file <path>`); absent for a switch. @default a switch */
  readonly value?: string;
  readonly description: string;
}

export interface CommandSpec {
  /** How the user starts it, e.g. `npm run deploy --`. */
  readonly command: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
  /** Words after a bare `--` are passed on untouched (e.g. a remote command). @default not accepted */
  readonly rest?: { readonly name: string; readonly description: string };
  /** Full example command lines. */
  readonly examples: readonly string[];
  /** Extra lines after the options (notes, where files go). @default none */
  readonly notes?: readonly string[];
}

export interface ParsedArgs {
  /** Positional values by name (absent when optional and not given). */
  readonly positionals: Readonly<Record<string, string>>;
  /** Option values by flag without dashes: the value, or true for a switch. */
  readonly options: Readonly<Record<string, string | true>>;
  /** Everything after a bare `--`. */
  readonly rest: readonly string[];
}

export type CommandLine = { readonly help: true } | ({ readonly help: false } & ParsedArgs);

/** The usage line, e.g. `npm run deploy -- <environment> [--plan]`. */
export function usageLine(spec: CommandSpec): string {
  const words = [
    ...spec.positionals.map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`)),
    ...spec.options.map((o) => `[${o.flag}${o.value ? ` <${o.value}>` : ""}]`),
    ...(spec.rest ? [`[-- <${spec.rest.name}>...]`] : []),
  ];
  return `${spec.command} ${words.join(" ")}`.trim();
}

export function helpText(spec: CommandSpec): string {
  const rows = (items: readonly (readonly [string, string])[]) => {
    const width = Math.max(...items.map(([left]) => left.length));
    return items.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
  };
  const args: [string, string][] = spec.positionals.map((p) => [
    `<${p.name}>`,
    `${p.description}${p.optional ? " (optional)" : ""}${p.choices ? `; one of: ${p.choices.join(", ")}${p.moreChoices ? `, ${p.moreChoices}` : ""}` : ""}`,
  ]);
  if (spec.rest) args.push([`-- <${spec.rest.name}>...`, spec.rest.description]);
  const options: [string, string][] = [
    ...spec.options.map((o): [string, string] => [`${o.flag}${o.value ? ` <${o.value}>` : ""}`, o.description]),
    ["--help", "print this help and exit"],
  ];
  return [
    `usage: ${usageLine(spec)}`,
    "",
    spec.summary,
    ...(args.length ? ["", "arguments:", ...rows(args)] : []),
    "",
    "options:",
    ...rows(options),
    ...(spec.notes?.length ? ["", ...spec.notes] : []),
    "",
    `example${spec.examples.length === 1 ? "" : "s"}:`,
    ...spec.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

function refuse(spec: CommandSpec, message: string): never {
  throw new UserError(`${message}\nusage: ${usageLine(spec)}\n(\`${spec.command} --help\` explains every argument)`);
}

/**
 * Parses `argv` (what follows `npm run <script> --`). Throws a UserError naming the unknown option,
 * the extra argument, the missing one, or the value outside its choices, with the usage line.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[], choices?: () => Readonly<Record<string, readonly string[]>>): CommandLine {
  if (argv.includes("--help") || argv.includes("-h")) {
    const dashDash = argv.indexOf("--");
    const helpAt = Math.min(...["--help", "-h"].map((h) => argv.indexOf(h)).filter((i) => i >= 0));
    if (dashDash < 0 || helpAt < dashDash) return { help: true };
  }
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      if (!spec.rest) refuse(spec, "unexpected '--': this command takes no trailing command");
      rest = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith("-") && arg !== "-") {
      const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
      const option = spec.options.find((o) => o.flag === flag);
      if (!option) {
        const known = spec.options.map((o) => o.flag);
        refuse(
          spec,
          `unknown option ${quote(flag, 40)}${known.length ? `; valid options: ${[...known, "--help"].join(", ")}` : "; this command takes no options but --help"}`,
        );
      }
      const key = flag.replace(/^-+/, "");
      if (option.value) {
        const value = inline ?? argv[++i];
        if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) refuse(spec, `${flag} needs a value (<${option.value}>)`);
        options[key] = value;
      } else {
        if (inline !== undefined) refuse(spec, `${flag} takes no value`);
        options[key] = true;
      }
      continue;
    }
    positionals.push(arg);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals.slice(spec.positionals.length);
    refuse(
      spec,
      `unexpected argument${extra.length === 1 ? "" : "s"} ${extra
        .slice(0, 3)
        .map((e) => quote(e, 40))
        .join(" ")}${extra.length > 3 ? ` and ${extra.length - 3} more` : ""}`,
    );
  }
  const named: Record<string, string> = {};
  // Asked only when a positional is checked (never for --help): they may come from the configuration.
  let current: Readonly<Record<string, readonly string[]>> | undefined;
  const choicesOf = (p: PositionalSpec): readonly string[] | undefined => {
    if (!choices) return p.choices;
    current ??= choices();
    return current[p.name] ?? p.choices;
  };
  spec.positionals.forEach((q, i) => {
    const p = { ...q, choices: choicesOf(q) };
    const value = positionals[i];
    if (value === undefined) {
      if (!p.optional) refuse(spec, `no ${p.noun ?? p.name} given${p.choices ? `; expected one of ${p.choices.join(", ")}` : ""}`);
      return;
    }
    if (p.choices && !p.choices.includes(value)) refuse(spec, `unknown ${p.noun ?? p.name} ${quote(value, 40)}; expected one of ${p.choices.join(", ")}`);
    named[p.name] = value;
  });
  return { help: false, positionals: named, options, rest };
}
