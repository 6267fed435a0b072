/**
 * charts/imports/ holds only generated code: each module listed in scripts/crd-imports.ts exists,
 * starts with the generated marker and names the pinned upstream file it came from, and no other
 * module sits beside them.
 */
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_CRD_IMPORTS, GENERATED_MARKER } from "../../scripts/crd-imports";
import { ALL_UPSTREAM_INSTALLS } from "../../src/config/upstream";

const DIR = join(__dirname, "..", "..", "charts", "imports");

describe("generated CRD modules", () => {
  it("are exactly the modules the generator table lists", () => {
    const modules = readdirSync(DIR)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(modules).toEqual(GENERATED_CRD_IMPORTS.map((i) => i.module).sort());
  });

  for (const imp of GENERATED_CRD_IMPORTS) {
    it(`${imp.module}.ts carries the generated marker and its pinned source`, () => {
      const install = ALL_UPSTREAM_INSTALLS.find((i) => i.id === imp.upstream);
      expect(install).toBeDefined();
      const [first, second] = readFileSync(join(DIR, `${imp.module}.ts`), "utf8").split("\n");
      expect(first).toBe(GENERATED_MARKER);
      expect(second).toContain(install!.url);
      expect(second).toContain(install!.sha256);
    });
  }

  it("are marked generated for git", () => {
    expect(readFileSync(join(__dirname, "..", "..", ".gitattributes"), "utf8")).toMatch(/^charts\/imports\/\*\.ts linguist-generated=true$/m);
  });
});
