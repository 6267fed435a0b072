/**
 * Every npm script that takes arguments explains itself: `--help` with arguments, options and an
 * example; unknown options, extra arguments and unknown environments refused with the valid ones.
 * (synth and config: test/config/cli.test.ts; deploy and destroy: test/deploy/preflight-cli.test.ts;
 * box: test/box/cli.test.ts; ssh and logs: test/access/ssh.test.ts.)
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { type CommandSpec, helpText, parseCommandLine, usageLine } from "../../src/cli/args";
import { diagramMain } from "../../src/cli/commands/diagram";
import { memoryIo, runCommand } from "../../src/cli/io";
import { BENCH_COMMAND, benchRuns } from "../../scripts/bench";
import { GEN_CRDS_COMMAND } from "../../scripts/gen-crds";
import { scratchDir } from "../support/cli";

const SPEC: CommandSpec = {
  command: "npm run thing --",
  summary: "Does a thing.",
  positionals: [{ name: "environment", noun: "environment", choices: ["local", "ack-managed"], description: "where" }],
  options: [
    { flag: "--file", value: "path", description: "a file" },
    { flag: "--dry", description: "a switch" },
  ],
  rest: { name: "command", description: "passed on" },
  examples: ["npm run thing -- local --dry"],
};

describe("the command-line parser", () => {
  it("reads positionals, options with separate or inline values, switches, and everything after --", () => {
    const cl = parseCommandLine(SPEC, ["--file=a=b", "local", "--dry", "--", "ls", "--help", "-x"]);
    assert.deepEqual(cl, { help: false, positionals: { environment: "local" }, options: { file: "a=b", dry: true }, rest: ["ls", "--help", "-x"] });
    assert.deepEqual(parseCommandLine(SPEC, ["local", "--file", "x"]), {
      help: false,
      positionals: { environment: "local" },
      options: { file: "x" },
      rest: [],
    });
  });

  it("--help (or -h) before -- asks for help, even with other arguments", () => {
    assert.deepEqual(parseCommandLine(SPEC, ["local", "--help"]), { help: true });
    assert.deepEqual(parseCommandLine(SPEC, ["-h"]), { help: true });
  });

  it("refuses, with the usage line: an unknown option, a value for a switch, a missing value, an extra argument, an unknown or missing environment", () => {
    const cases: [string[], RegExp][] = [
      [
        ["local", "--verbose"],
        /^unknown option "--verbose"; valid options: --file, --dry, --help\nusage: npm run thing -- <environment> \[--file <path>\] \[--dry\] \[-- <command>\.\.\.\]/,
      ],
      [["local", "--dry=yes"], /^--dry takes no value/],
      [["local", "--file"], /^--file needs a value \(<path>\)/],
      [["local", "--file", "--dry"], /^--file needs a value/],
      [["local", "extra"], /^unexpected argument "extra"/],
      [["prod"], /^unknown environment "prod"; expected one of local, ack-managed\n/],
      [[], /^no environment given; expected one of local, ack-managed\n/],
    ];
    for (const [argv, message] of cases)
      assert.throws(
        () => parseCommandLine(SPEC, argv),
        (e: unknown) => message.test((e as Error).message),
        argv.join(" "),
      );
  });

  it("help text: usage, summary, arguments with their choices, options with --help, examples", () => {
    const text = helpText(SPEC);
    assert.equal(text.split("\n")[0], `usage: ${usageLine(SPEC)}`);
    assert.match(text, /\narguments:\n {2}<environment> +where; one of: local, ack-managed\n {2}-- <command>\.\.\. +passed on\n/);
    assert.match(text, /\noptions:\n {2}--file <path> +a file\n {2}--dry +a switch\n {2}--help +print this help and exit\n/);
    assert.match(text, /\nexample:\n {2}npm run thing -- local --dry\n$/);
  });
});

describe("npm run diagram", () => {
  it("--help, an unknown environment and a missing one", async () => {
    const run = async (argv: string[]) => {
      const io = memoryIo({}, scratchDir());
      return { code: await runCommand(diagramMain, argv, io), out: io.stdout(), err: io.stderr() };
    };
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^usage: npm run diagram -- <environment>\n/);
    assert.match(help.out, /diagrams\/<environment>\/architecture\.svg/);
    assert.match(help.out, /examples:\n {2}npm run diagram -- local\n/);
    assert.match((await run(["prod"])).err, /unknown environment "prod"; expected one of local, ack-managed, ack-dedicated/);
    assert.match((await run([])).err, /no environment given; expected one of local, ack-managed, ack-dedicated/);
  });
});

describe("npm run bench and npm run gen:crds", () => {
  it("bench: --runs N from 1 to 50, default 5; anything else refused", () => {
    assert.equal(benchRuns([]), 5);
    assert.equal(benchRuns(["--runs", "9"]), 9);
    assert.equal(benchRuns(["--help"]), undefined);
    assert.throws(() => benchRuns(["--runs", "0"]), /--runs must be a whole number from 1 to 50, got '0'/);
    assert.throws(() => benchRuns(["--runs", "many"]), /got 'many'/);
    assert.throws(() => benchRuns(["--count", "3"]), /unknown option "--count"; valid options: --runs, --help/);
    assert.match(helpText(BENCH_COMMAND), /examples:\n {2}npm run bench\n {2}npm run bench -- --runs 9\n/);
  });

  it("gen:crds: --from <dir>, with help and examples; other arguments refused", () => {
    assert.deepEqual(parseCommandLine(GEN_CRDS_COMMAND, ["--from", "../shared/upstream"]), {
      help: false,
      positionals: {},
      options: { from: "../shared/upstream" },
      rest: [],
    });
    assert.throws(() => parseCommandLine(GEN_CRDS_COMMAND, ["../shared/upstream"]), /unexpected argument "\.\.\/shared\/upstream"/);
    assert.match(helpText(GEN_CRDS_COMMAND), /--from <dir> +read <id>\.yaml files from <dir>/);
    assert.match(helpText(GEN_CRDS_COMMAND), /npm run gen:crds -- --from \.\.\/shared\/upstream/);
  });
});
