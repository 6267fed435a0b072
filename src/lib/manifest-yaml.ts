/**
 * YAML text of Kubernetes manifests, written by js-yaml: several times cheaper than the `yaml`
 * library cdk8s uses (the largest part of a synth's time was that library's stringify).
 *
 * kubectl reads manifests with YAML 1.1 rules (go-yaml v2 through sigs.k8s.io/yaml), where plain
 * `yes`, `on`, `0755`, `1_000` or `1:20` are not strings. js-yaml knows YAML 1.2's rules only, so
 * the schema below adds one implicit type that claims every plain scalar YAML 1.1 reads as a
 * bool, null, int, float, timestamp, merge key or value key: js-yaml then quotes such strings.
 */
import { DEFAULT_SCHEMA, dump, loadAll, Type } from "js-yaml";

/** Plain scalars that YAML 1.1 resolves to something other than a string (yaml.org/type, 1.1). */
export const YAML11_NON_STRING =
  /^(?:[yYnN~]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<|=|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?)$/;

const yaml11NonString = new Type("tag:clusterkit,2026:yaml-1.1-non-string", {
  kind: "scalar",
  resolve: (text: string) => YAML11_NON_STRING.test(text),
});

const SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [yaml11NonString] });

/**
 * Documents separated by `---`, as cdk8s writes them (an undefined document becomes an empty
 * one); undefined values become null, as cdk8s's own writer does.
 */
export function manifestYaml(docs: readonly unknown[]): string {
  return docs
    .map((d) =>
      d === undefined ? "\n" : dump(d, { schema: SCHEMA, lineWidth: -1, noRefs: true, quotingType: '"', replacer: (_k, v) => (v === undefined ? null : v) }),
    )
    .join("---\n");
}

/**
 * The objects of a manifest file this project wrote (empty documents dropped), read by js-yaml:
 * several times faster than the `yaml` library. Such files quote every scalar whose type YAML 1.1
 * and 1.2 disagree on (test/lib/manifest-yaml.test.ts), so js-yaml's YAML 1.2 reading is exact.
 */
export function manifestObjects(text: string): unknown[] {
  return loadAll(text).filter((d) => d !== null && d !== undefined);
}
