import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { PROJECT_ROOT } from "../support/cli";

interface ProviderEntry {
  name: string;
  source: string;
  version: string;
  schema: string;
}

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "provider-schemas/providers.json"), "utf8")) as { providers: ProviderEntry[] };

/** cdktf's folder name for a resource type: provider prefix dropped, snake_case to kebab-case. */
function folderFor(provider: string, type: string, data: boolean): string {
  const bare = type.replace(new RegExp(`^${provider}_`), "").replace(/_/g, "-");
  return data ? `data-${provider}-${bare}` : bare;
}

describe("provider bindings generated from the pinned schemas", () => {
  for (const p of manifest.providers) {
    it(`${p.name}: one binding per resource and data source in ${p.schema}, pinned to ${p.version}`, () => {
      const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, "provider-schemas", p.schema), "utf8"));
      const provider = Object.values(schema.provider_schemas)[0] as { resource_schemas: object; data_source_schemas?: object };
      const dir = join(PROJECT_ROOT, ".gen/providers", p.name);
      for (const type of Object.keys(provider.resource_schemas))
        assert.ok(existsSync(join(dir, folderFor(p.name, type, false), "index.ts")), `${type} binding`);
      for (const type of Object.keys(provider.data_source_schemas ?? {}))
        assert.ok(existsSync(join(dir, folderFor(p.name, type, true), "index.ts")), `${type} binding`);
      const providerSource = readFileSync(join(dir, "provider/index.ts"), "utf8");
      assert.match(providerSource, new RegExp(`providerVersionConstraint: '${p.version.replace(/\./g, "\\.")}'`));
      assert.match(providerSource, new RegExp(`terraformProviderSource: '${p.source}'`));
    });
  }

  it("regeneration is skipped when the schemas have not changed", () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts/gen-bindings.mjs")], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\.gen\/ is up to date/);
  });
});
