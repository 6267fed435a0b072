/**
 * Pieces shared by the embedded shell scripts. Script bodies are `String.raw` templates written
 * with `$VAR` (never `${VAR}`) so JavaScript interpolation only ever happens in the parameter block.
 */

/** Single-quotes a value for sh/bash. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Assembles a bash script: strict mode, a bounded `retry`, `atomic_write` (when the body uses it), the parameters, then the body. */
export function bashScript(purpose: string, params: Readonly<Record<string, string | number>>, body: string): string {
  const assignments = Object.entries(params)
    .map(([name, value]) => `${name}=${typeof value === "number" ? String(value) : shQuote(value)}`)
    .join("\n");
  return `#!/bin/bash
# ${purpose}
# Written by clusterkit's cloud-init seed; output lands in /var/log/cloud-init-output.log.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

${assignments}
${RETRY}${body.includes("atomic_write") ? ATOMIC_WRITE : ""}
${body.replace(/^\n/, "")}`;
}

/**
 * `atomic_write <path> <mode>`: standard input to a temporary file beside <path>, then renamed over
 * it. A failed or interrupted generator never leaves an empty or half-written config file.
 */
const ATOMIC_WRITE = String.raw`
atomic_write() {
  local target=$1 mode=$2 tmp
  tmp=$(mktemp "$target.XXXXXX")
  if ! cat >"$tmp" || [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    echo "clusterkit: could not write $target (no content)" >&2
    return 1
  fi
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$target"
}
`;

/** `retry <tries> <command...>`: package mirrors and downloads flake on a fresh VM. */
const RETRY = String.raw`
retry() {
  local tries=$1 n=1
  shift
  until "$@"; do
    if [ "$n" -ge "$tries" ]; then
      echo "clusterkit: giving up after $n tries: $*" >&2
      return 1
    fi
    echo "clusterkit: try $n failed, retrying: $*" >&2
    n=$((n + 1))
    sleep $((n * 5))
  done
}
`;
