/**
 * The job form's checks (the same code runs in the browser and in the server action): the
 * contract's source rules, a pasted file with a default name, uploads that must be UTF-8 text.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { SOURCE_LIMITS } from "../../service/contract/source";
import { defaultFileName, FORM_FIELDS, parseSubmission, submissionFromForm } from "../../service/frontend/lib/submission";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("job form", () => {
  it("names a pasted source main.<ext> by default and normalises browser line endings", () => {
    assert.deepEqual(parseSubmission({ language: "go", source: "package main\r\nfunc main() {}\r\n" }), {
      ok: true,
      language: "go",
      files: [{ name: "main.go", content: "package main\nfunc main() {}\n" }],
    });
    assert.deepEqual(
      ["go", "javascript", "c"].map((l) => defaultFileName(l as "go")),
      ["main.go", "main.js", "main.c"],
    );
  });

  it("combines a pasted file with uploaded ones", () => {
    const r = parseSubmission({
      language: "c",
      filename: "main.c",
      source: '#include "util.h"\nint main(){return f();}',
      uploads: [
        { name: "util.h", bytes: bytes("int f(void);") },
        { name: "util.c", bytes: bytes("int f(void){return 0;}") },
      ],
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.files.map((f) => f.name),
      ["main.c", "util.h", "util.c"],
    );
  });

  it("reports the contract's rules by field", () => {
    const problems = (input: Parameters<typeof parseSubmission>[0]) => {
      const r = parseSubmission(input);
      return r.ok ? [] : r.problems;
    };
    assert.deepEqual(problems({ language: "python", source: "print(1)" }), ["language: must be one of go, javascript, c"]);
    assert.deepEqual(problems({ language: "go", source: "   " }), ["source: paste the source code or upload at least one file"]);
    assert.match(problems({ language: "go", filename: "main.py", source: "x" }).join("\n"), /files\[0\]\.name: go files must end in \.go/);
    assert.match(problems({ language: "c", filename: "../main.c", source: "x" }).join("\n"), /files\[0\]\.name: must be a plain file name/);
    assert.match(
      problems({ language: "javascript", source: "x", uploads: [{ name: "main.js", bytes: bytes("y") }] }).join("\n"),
      /duplicate file name main\.js/,
    );
    assert.match(problems({ language: "go", source: "x".repeat(SOURCE_LIMITS.maxTotalBytes + 1) }).join("\n"), /at most 131072 bytes of source/);
    assert.deepEqual(problems({ language: "c", uploads: [{ name: "main.c", bytes: Uint8Array.from([0x69, 0x6e, 0xff, 0xfe]) }] }), [
      'files: "main.c" is not UTF-8 text',
    ]);
  });

  it("reads the multipart form the server action receives, skipping an empty file input", async () => {
    const form = new FormData();
    form.set(FORM_FIELDS.language, "javascript");
    form.set(FORM_FIELDS.filename, "");
    form.set(FORM_FIELDS.source, "console.log(1)");
    form.append(FORM_FIELDS.uploads, new File([], ""));
    form.append(FORM_FIELDS.uploads, new File(["export const x = 1;"], "lib.mjs"));
    assert.deepEqual(await submissionFromForm(form), {
      ok: true,
      language: "javascript",
      files: [
        { name: "main.js", content: "console.log(1)" },
        { name: "lib.mjs", content: "export const x = 1;" },
      ],
    });
  });
});
