#!/bin/sh
# Refreshes a pinned provider schema from the real provider. Needs terraform and internet access
# (it runs `terraform init`), so it is for a networked workstation, not CI.
#
#   scripts/refresh-schema.sh <name> <version>     e.g. scripts/refresh-schema.sh alicloud 1.290.0
#
# Writes provider-schemas/<name>-<version>.json holding only the resources and data sources the
# current schema file lists (the ones the stacks use), updates provider-schemas/providers.json,
# then regenerates .gen/. Review the diff and run `npm test` before committing.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 <provider name from provider-schemas/providers.json> <version>" >&2
  exit 2
fi
name=$1
version=$2
root=$(cd "$(dirname "$0")/.." && pwd)

command -v terraform >/dev/null 2>&1 || { echo "terraform is not on PATH (https://developer.hashicorp.com/terraform/install)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "node is not on PATH" >&2; exit 1; }

source=$(node -e '
  const m = require(process.argv[1]);
  const p = m.providers.find((x) => x.name === process.argv[2]);
  if (!p) { console.error("unknown provider " + process.argv[2]); process.exit(1); }
  console.log(p.source);
' "$root/provider-schemas/providers.json" "$name")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cat > "$work/main.tf.json" <<JSON
{ "terraform": { "required_providers": { "$name": { "source": "$source", "version": "$version" } } } }
JSON

(cd "$work" && terraform init -input=false -backend=false >/dev/null && terraform providers schema -json > schema.json)

node "$root/scripts/filter-schema.mjs" "$root/provider-schemas" "$name" "$version" "$work/schema.json"
node "$root/scripts/gen-bindings.mjs"
echo "Refreshed $name to $version. Review: git diff provider-schemas/"
