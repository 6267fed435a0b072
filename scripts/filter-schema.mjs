#!/usr/bin/env node
// Used by refresh-schema.sh: keeps, from a full `terraform providers schema -json` output, only the
// resource and data source types the provider's current pinned schema file lists, writes it as
// <name>-<version>.json and points providers.json at it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, name, version, fullSchemaFile] = process.argv.slice(2);
const manifestFile = join(dir, "providers.json");
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
const entry = manifest.providers.find((p) => p.name === name);
const current = JSON.parse(readFileSync(join(dir, entry.schema), "utf8"));
const full = JSON.parse(readFileSync(fullSchemaFile, "utf8"));

const key = Object.keys(full.provider_schemas).find((k) => k.endsWith(`/${entry.source}`));
if (!key) throw new Error(`provider ${entry.source} not found in ${fullSchemaFile}`);
const currentProvider = Object.values(current.provider_schemas)[0];
const fresh = full.provider_schemas[key];

const pick = (all = {}, wanted = {}) => {
  const out = {};
  for (const type of Object.keys(wanted)) {
    if (!all[type]) console.error(`warning: ${type} no longer exists in ${entry.source} ${version}`);
    else out[type] = all[type];
  }
  return out;
};

const filtered = {
  format_version: full.format_version,
  provider_schemas: {
    [key]: {
      provider: fresh.provider,
      resource_schemas: pick(fresh.resource_schemas, currentProvider.resource_schemas),
      ...(currentProvider.data_source_schemas ? { data_source_schemas: pick(fresh.data_source_schemas, currentProvider.data_source_schemas) } : {}),
    },
  },
};
const file = `${name}-${version}.json`;
writeFileSync(join(dir, file), `${JSON.stringify(filtered, null, 2)}\n`);
entry.version = version;
entry.schema = file;
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote provider-schemas/${file}`);
