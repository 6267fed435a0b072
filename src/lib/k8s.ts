/**
 * The one place that imports cdk8s and cdk8s-plus.
 *
 * cdk8s-plus-28 targets the Kubernetes 1.28 API, whose stable kinds every supported cluster minor
 * serves. Switching to a newer cdk8s-plus-NN is a change to this file only.
 */
export { ApiObject, App, Chart, Duration, Include, JsonPatch, Size, Testing, YamlOutputType } from "cdk8s";
export type { ApiObjectProps, AppProps, ChartProps } from "cdk8s";
export * as kplus from "cdk8s-plus-28";
export * as k8s from "cdk8s-plus-28/lib/imports/k8s";
