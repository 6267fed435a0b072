/**
 * The runner applies the contract's source rules itself (the last layer before code is compiled):
 * for every case its verdict and its messages equal `sourceProblems` in service/contract/source.ts,
 * and it refuses encodings the TypeScript side never produces (bad JSON, wrong shape).
 */
import { describe, expect } from "@jest/globals";
import { javascriptEntry, SOURCE_LIMITS, encodeSource, sourceProblems, type SourceFile } from "../../service/contract/source";
import { LANGUAGES, type Language } from "../../service/contract/languages";
import { itIf } from "../support/requires";
import { checkSource, runnerSkipReason } from "./runner-binary";

const f = (name: string, content = "x"): SourceFile => ({ name, content });

/** Cases as the middleware would encode them (some deliberately break the rules). */
const CASES: Record<string, { language: Language; files: SourceFile[] }> = {
  "one C file": { language: "c", files: [f("main.c", "int main(void){return 0;}")] },
  "C with a header": { language: "c", files: [f("main.c"), f("util.h")] },
  "only a header": { language: "c", files: [f("util.h")] },
  "Go file": { language: "go", files: [f("main.go")] },
  "Go with a C file": { language: "go", files: [f("main.go"), f("x.c")] },
  "JavaScript main.js among others": { language: "javascript", files: [f("a.mjs"), f("main.js"), f("data.json")] },
  "JavaScript first module is the entry": { language: "javascript", files: [f("data.json"), f("lib.cjs"), f("z.mjs")] },
  "JavaScript without a module": { language: "javascript", files: [f("package.json")] },
  "no files": { language: "c", files: [] },
  "too many files": { language: "c", files: Array.from({ length: SOURCE_LIMITS.maxFiles + 1 }, (_, i) => f(`f${i}.c`)) },
  "exactly the most files": { language: "c", files: Array.from({ length: SOURCE_LIMITS.maxFiles }, (_, i) => f(`f${i}.c`)) },
  "directory in a name": { language: "c", files: [f("../evil.c"), f("a/b.c")] },
  "hidden and dashed names": { language: "c", files: [f(".hidden.c"), f("-rf.c"), f("_x.c")] },
  "65-character name": { language: "c", files: [f(`${"a".repeat(63)}.c`)] },
  "64-character name": { language: "c", files: [f(`${"a".repeat(62)}.c`)] },
  "empty name": { language: "c", files: [f("")] },
  "non-ASCII name": { language: "c", files: [f("mañana.c")] },
  "name with a NUL": { language: "c", files: [f("a\u0000.c")] },
  "name with a newline at the end": { language: "c", files: [f("main.c\n")] },
  "duplicate names": { language: "go", files: [f("main.go"), f("main.go"), f("x.go")] },
  "wrong extensions": { language: "javascript", files: [f("main.ts"), f("main.js"), f("x.JS")] },
  "total just at the limit": { language: "c", files: [f("a.c", "x".repeat(SOURCE_LIMITS.maxTotalBytes))] },
  "total over the limit": { language: "c", files: [f("a.c", "x".repeat(SOURCE_LIMITS.maxTotalBytes - 1)), f("b.c", "yy")] },
  "multi-byte characters count as UTF-8": { language: "c", files: [f("a.c", "ñ€😀".repeat(Math.floor(SOURCE_LIMITS.maxTotalBytes / 9) + 1))] },
  "lone surrogate counts three bytes": { language: "c", files: [f("a.c", "\ud800".repeat(SOURCE_LIMITS.maxTotalBytes / 3)), f("b.c", "x")] },
  "control characters grow the encoding": { language: "c", files: [f("a.c", "\u0001".repeat(40_000))] },
  "NUL bytes in content": { language: "c", files: [f("a.c", "int main(){}\u0000\u0000")] },
};

describe("faas-runner check: the contract's source rules", () => {
  for (const [name, c] of Object.entries(CASES)) {
    itIf(runnerSkipReason, `${name} (${c.language})`, () => {
      const expected = sourceProblems(c.language, c.files);
      const got = checkSource(c.language, encodeSource(c.files));
      expect(got.problems).toEqual(expected);
      expect(got.status).toBe(expected.length ? 1 : 0);
      if (c.language === "javascript" && expected.length === 0) expect(got.entry).toBe(javascriptEntry(c.files));
    });
  }

  itIf(runnerSkipReason, "non-string names and contents (an encoder other than encodeSource)", () => {
    const files = [{ name: 7, content: "x" }, { name: "a.c", content: null }, { name: "b.c" }, null, "c.c", { name: "d.c", content: "ok" }];
    const expected = sourceProblems("c", files as unknown as SourceFile[]);
    expect(expected.length).toBeGreaterThan(0);
    expect(checkSource("c", JSON.stringify({ v: 1, files })).problems).toEqual(expected);
  });

  itIf(runnerSkipReason, "the same verdicts on seeded random submissions", () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const names = ["main.c", "main.go", "main.js", "x.h", "a.mjs", "b.cjs", "d.json", "../x.c", "", "ok-1.c", "main.c"];
    const contents = ["", "x", "ñ", "\u0000", "\ud83d", "\ud83d\ude00", "\\", '"', "\u2028"];
    for (let i = 0; i < 60; i++) {
      const language = LANGUAGES[rand(3)]!;
      const files = Array.from({ length: rand(4) }, () => f(names[rand(names.length)]!, contents[rand(contents.length)]!.repeat(1 + rand(3))));
      expect([language, files, checkSource(language, encodeSource(files)).problems]).toEqual([language, files, sourceProblems(language, files)]);
    }
  });
});

describe("faas-runner check: encodings only a broken or hostile writer produces", () => {
  const rejected: Record<string, string | Buffer> = {
    "not JSON": "{files:[]}",
    "truncated JSON": '{"v":1,"files":[{"name":"a.c","content":"x"}',
    "text after the value": '{"v":1,"files":[{"name":"a.c","content":"x"}]} {}',
    "a duplicate key (JSON.parse would silently keep the last)": '{"v":1,"files":[{"name":"a.c","name":"../x.c","content":"x"}]}',
    "unknown version": '{"v":2,"files":[{"name":"a.c","content":"x"}]}',
    "no version": '{"files":[{"name":"a.c","content":"x"}]}',
    "an array at the top": '[{"name":"a.c","content":"x"}]',
    "invalid UTF-8": Buffer.concat([Buffer.from('{"v":1,"files":[{"name":"a.c","content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]),
    "an encoded surrogate (CESU-8)": Buffer.concat([
      Buffer.from('{"v":1,"files":[{"name":"a.c","content":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}]}'),
    ]),
    "a raw control character in a string": '{"v":1,"files":[{"name":"a.c","content":"a\tb"}]}',
    "a bad escape": '{"v":1,"files":[{"name":"a.c","content":"\\x41"}]}',
    "nesting 10,000 deep": `{"v":1,"files":[{"name":"a.c","content":"x","n":${"[".repeat(10_000)}${"]".repeat(10_000)}}]}`,
    "over a mebibyte": `{"v":1,"files":[{"name":"a.c","content":"${"x".repeat(1024 * 1024)}"}]}`,
  };
  for (const [name, encoded] of Object.entries(rejected)) {
    itIf(runnerSkipReason, name, () => {
      const got = checkSource("c", encoded);
      expect(got.status).toBe(1);
      expect(got.problems.length).toBeGreaterThan(0);
      expect(got.problems.every((p) => /^(source|files): /.test(p))).toBe(true);
    });
  }

  itIf(runnerSkipReason, "whitespace and escapes a JSON writer may use are accepted", () => {
    const got = checkSource("c", ' {\n "files" : [ { "content" : "\\u0069nt main(){}\\n\\/\\/ \\ud83d\\ude00", "name" : "main.c" } ] ,\t"v" : 1.0 }\n');
    expect(got).toEqual({ problems: [], status: 0 });
  });
});
