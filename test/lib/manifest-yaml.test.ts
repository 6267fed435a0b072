/**
 * Manifests are written by js-yaml with YAML 1.1's non-string scalars quoted (src/lib/manifest-yaml.ts):
 * kubectl reads them with YAML 1.1 rules, so every string must come back a string under 1.1 as
 * well as under 1.2, and every document exactly as synthesized.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { manifestObjects, manifestYaml, YAML11_NON_STRING } from "../../src/lib/manifest-yaml";
import { Yaml } from "../../src/lib/k8s";
import { SYNTHESIZED_ENVIRONMENTS, manifestTexts } from "../support/synthesized";

const read = (text: string, version: "1.1" | "1.2") => parseAllDocuments(text, { version }).map((d) => d.toJS() as unknown);

/** Strings that YAML 1.1 (and often 1.2) would read as something else when written plain. */
const AMBIGUOUS_11 = [
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "~",
  "null",
  "NULL",
  "true",
  "False",
  "0755",
  "0b101",
  "0x1F",
  "1_000",
  "-12",
  "+3",
  "1:20",
  "1:20.5",
  "1.5",
  ".5",
  "-.inf",
  ".NaN",
  "<<",
  "=",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
];
/** …and strings only YAML 1.2 reads as numbers (js-yaml's own schema quotes them). */
const AMBIGUOUS = [...AMBIGUOUS_11, "1e3", "0o17"];
/** Strings that stay strings under both versions when plain. */
const PLAIN = ["10s", "web", "cola.go", "0.0.0.0/0", "1.30", "v1.2.3", "nats://nats:4222", "yes please", "on-failure", "$SERVER_NAME"];

describe("manifest YAML", () => {
  it("quotes every string YAML 1.1 or 1.2 would read as another type, and reads back the same data under both", () => {
    for (const s of AMBIGUOUS_11) assert.ok(YAML11_NON_STRING.test(s), s);
    const doc = {
      strings: Object.fromEntries([...AMBIGUOUS, ...PLAIN].map((s) => [s, s])),
      list: [...AMBIGUOUS, ...PLAIN],
      n: 5,
      f: 1.5,
      b: true,
      nil: null,
      empty: "",
      multi: "line one\nline two\n",
    };
    const text = manifestYaml([doc]);
    for (const s of AMBIGUOUS) assert.doesNotMatch(text, new RegExp(`^  ${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `, "m"), `${s} written plain as a key`);
    assert.deepEqual(read(text, "1.1"), [doc]);
    assert.deepEqual(read(text, "1.2"), [doc]);
    assert.match(text, /^multi: \|\n {2}line one\n {2}line two\n/m, "multi-line text as a literal block");
  });

  it("writes undefined values as null and an undefined document as an empty one, as cdk8s's own writer does", () => {
    assert.deepEqual(read(manifestYaml([{ a: undefined, b: [undefined] }]), "1.1"), [{ a: null, b: [null] }]);
    assert.equal(manifestYaml([{ a: 1 }, undefined, { b: 2 }]), "a: 1\n---\n\n---\nb: 2\n");
  });

  it("is the writer cdk8s uses for every chart", () => {
    assert.equal(Yaml.stringify({ a: "yes" }), manifestYaml([{ a: "yes" }]));
  });

  // The objects themselves are pinned by test/synth's snapshots, read back from these files.
  it.each(SYNTHESIZED_ENVIRONMENTS)("%s: every manifest file reads back the same under YAML 1.1 and 1.2, and through manifestObjects (js-yaml)", (env) => {
    for (const [file, text] of manifestTexts(env)) {
      const v12 = read(text, "1.2");
      assert.deepEqual(read(text, "1.1"), v12, file);
      assert.deepEqual(
        manifestObjects(text),
        v12.filter((d) => d !== null && d !== undefined),
        file,
      );
    }
  });

  it("manifestObjects drops empty documents and keeps quoted scalars strings", () => {
    assert.deepEqual(manifestObjects('a: "yes"\nb: 0755\n---\n---\nc: "1_000"\n'), [{ a: "yes", b: 755 }, { c: "1_000" }]);
  });
});
