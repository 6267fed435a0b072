import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { parseXml, texts } from "./xml";

describe("test XML parser (well-formedness)", () => {
  it("accepts a well-formed document with prolog, comments and entities", () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "y">\n<!-- c -->\n<svg a="1"><g><text>a &amp; b &#45;&gt;</text></g><path d=\'M0\'/></svg>\n',
    );
    assert.equal(root.name, "svg");
    assert.deepEqual(texts(root), ["a & b ->"]);
  });
  for (const [what, xml] of [
    ["mis-nested tags", "<a><b></a></b>"],
    ["an unclosed tag", "<a><b></b>"],
    ["two roots", "<a/><b/>"],
    ["an unquoted attribute", "<a x=1/>"],
    ["a duplicate attribute", '<a x="1" x="2"/>'],
    ["a bare ampersand", "<a>fish & chips</a>"],
    ["an unknown entity", "<a>&nbsp;</a>"],
  ] as const) {
    it(`rejects ${what}`, () => assert.throws(() => parseXml(xml)));
  }
});
