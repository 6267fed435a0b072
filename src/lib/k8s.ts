/**
 * The one place that imports cdk8s and cdk8s-plus.
 *
 * cdk8s-plus-28 targets the Kubernetes 1.28 API, whose stable kinds every supported cluster minor
 * serves. Switching to a newer cdk8s-plus-NN is a change to this file only.
 */
import { Yaml } from "cdk8s";
import { manifestYaml } from "./manifest-yaml";

export { ApiObject, App, Chart, Duration, Include, JsonPatch, Size, Testing, Yaml, YamlOutputType } from "cdk8s";
export type { ApiObjectProps, AppProps, ChartProps } from "cdk8s";
export * as kplus from "cdk8s-plus-28";
export * as k8s from "cdk8s-plus-28/lib/imports/k8s";

// cdk8s writes every chart's file through Yaml.stringify, whose `yaml` library took the largest
// share of a synth's time; manifestYaml writes the same documents several times faster, with
// every string YAML 1.1 (kubectl's reader) would take for another type quoted.
Yaml.stringify = (...docs: unknown[]): string => manifestYaml(docs);
