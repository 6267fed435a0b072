/**
 * cdktf's documented jest matchers (`Testing.setupJest()`: toHaveResource,
 * toHaveResourceWithProperties, toHaveDataSource…, toHaveProvider…, toBeValidTerraform) for every
 * test file (jest `setupFilesAfterEnv`). They are registered as thin wrappers that load cdktf (through
 * src/lib/tf.ts, the one module that imports it) on their first use only: most test files never
 * synthesize Terraform, and loading cdktf costs each of them a few hundred milliseconds.
 */
import { expect } from "@jest/globals";

/** What cdktf's matchers take: a generated resource class (or anything naming a Terraform type). */
export interface TerraformConstructor {
  readonly tfResourceType: string;
}

type MatcherFn = (received: unknown, ...args: unknown[]) => { pass: boolean; message: () => string };

const NAMES = [
  "toHaveResource",
  "toHaveResourceWithProperties",
  "toHaveDataSource",
  "toHaveDataSourceWithProperties",
  "toHaveProvider",
  "toHaveProviderWithProperties",
  "toBeValidTerraform",
  "toPlanSuccessfully",
] as const;

let loaded: Record<string, MatcherFn> | undefined;

/** cdktf's own matcher functions, captured from the object `Testing.setupJest()` hands to expect.extend. */
function cdktfMatchers(): Record<string, MatcherFn> {
  if (loaded) return loaded;
  const { Testing } = require("../../src/lib/tf") as typeof import("../../src/lib/tf");
  const target = expect as unknown as { extend: (m: Record<string, MatcherFn>) => void };
  const extend = target.extend;
  let captured: Record<string, MatcherFn> | undefined;
  target.extend = (m) => {
    captured = m;
  };
  try {
    Testing.setupJest();
  } finally {
    target.extend = extend;
  }
  if (!captured) throw new Error("cdktf's Testing.setupJest() registered no matchers");
  loaded = captured;
  return captured;
}

expect.extend(
  Object.fromEntries(
    NAMES.map((name) => [
      name,
      function (this: unknown, received: unknown, ...args: unknown[]) {
        const real = cdktfMatchers()[name];
        if (!real) throw new Error(`cdktf's Testing.setupJest() has no matcher ${name}`);
        return real.call(this, received, ...args);
      },
    ]),
  ),
);

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** The synthesized stack (Testing.synth's JSON text) has a resource of this type. */
    toHaveResource(resource: TerraformConstructor): R;
    /** …with these properties (Terraform's snake_case names; nested objects match partially). */
    toHaveResourceWithProperties(resource: TerraformConstructor, properties: Record<string, unknown>): R;
    toHaveDataSource(dataSource: TerraformConstructor): R;
    toHaveDataSourceWithProperties(dataSource: TerraformConstructor, properties: Record<string, unknown>): R;
    toHaveProvider(provider: TerraformConstructor): R;
    toHaveProviderWithProperties(provider: TerraformConstructor, properties: Record<string, unknown>): R;
    /** `terraform validate` passes in the synthesized stack's output folder (needs terraform and providers). */
    toBeValidTerraform(): R;
    toPlanSuccessfully(): R;
  }
}
