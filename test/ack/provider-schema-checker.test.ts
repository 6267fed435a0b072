import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { checkAgainstProviderSchema, type ProviderSchemaJson } from "../support/provider-schema";

/** A tiny provider "demo" with one resource and one data source covering each rule. */
const SCHEMA: ProviderSchemaJson = {
  format_version: "1.0",
  provider_schemas: {
    "registry.terraform.io/acme/demo": {
      provider: { block: { attributes: { region: { type: "string", optional: true } } } },
      resource_schemas: {
        demo_server: {
          block: {
            attributes: {
              id: { type: "string", optional: true, computed: true },
              name: { type: "string", required: true },
              size: { type: "number", optional: true },
              public: { type: "bool", optional: true },
              zones: { type: ["list", "string"], optional: true },
              tags: { type: ["map", "string"], optional: true },
              endpoint: { type: "string", computed: true },
              legacy: { type: "string", optional: true, description: "REMOVED (setting it is an error): use name" },
              origin: { type: ["object", { host: "string", port: "number" }], optional: true },
            },
            block_types: {
              disk: {
                nesting_mode: "list",
                min_items: 1,
                block: { attributes: { size: { type: "number", required: true }, kind: { type: "string", optional: true } } },
              },
              scaling: {
                nesting_mode: "list",
                max_items: 1,
                block: {
                  attributes: { min: { type: "number", optional: true } },
                  block_types: { policy: { nesting_mode: "set", block: { attributes: { mode: { type: "string", required: true } } } } },
                },
              },
              old_disk: {
                nesting_mode: "list",
                block: { attributes: { size: { type: "number", optional: true } }, description: "REMOVED (setting it is an error): use disk" },
              },
              timeouts: { nesting_mode: "single", block: { attributes: { create: { type: "string", optional: true } } } },
            },
          },
        },
      },
      data_source_schemas: {
        demo_image: { block: { attributes: { id: { type: "string", optional: true, computed: true }, family: { type: "string", required: true } } } },
      },
    },
  },
};

const VALID = {
  provider: { demo: [{ region: "eu-1" }] },
  resource: {
    demo_server: {
      web: {
        name: "web",
        size: 2,
        public: false,
        zones: ["a", "${var.zone}"],
        tags: { team: "x" },
        origin: { host: "h", port: 80 },
        disk: [{ size: 40 }],
        scaling: { min: 1, policy: [{ mode: "fast" }] },
        timeouts: { create: "5m" },
        depends_on: ["demo_server.other"],
        lifecycle: { prevent_destroy: true },
        "//": { metadata: {} },
      },
      other: { name: "${data.demo_image.base.id}", disk: { size: "${var.size}" } },
    },
    other_thing: { x: { anything: 1 } },
  },
  data: { demo_image: { base: { family: "linux" } } },
};

type Body = Record<string, unknown>;
interface Config {
  resource: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  provider: Record<string, Body[]>;
}

/** A deep copy to break on purpose. */
function mutable(): Config {
  return JSON.parse(JSON.stringify(VALID)) as Config;
}

describe("provider schema checker", () => {
  it("accepts a valid configuration (expressions, meta-arguments, object-or-array blocks, other providers)", () => {
    assert.deepEqual(checkAgainstProviderSchema(VALID, SCHEMA), []);
  });

  it("reports each deliberate error once, naming the path", () => {
    const bad = mutable();
    const web = bad.resource.demo_server!.web!;
    web.colour = "red"; // unknown attribute
    web.size = "2"; // string for number
    web.public = "yes"; // string for bool
    web.zones = "a"; // scalar for list
    web.tags = { team: 3 }; // number in map(string)
    web.endpoint = "x"; // computed-only
    web.legacy = "old"; // removed
    web.old_disk = [{ size: 1 }]; // removed block
    web.origin = { host: "h", port: 80, extra: 1 }; // unknown object field
    web.scaling = [{ min: 1, policy: [{}] }, { min: 2 }]; // too many, missing nested required
    delete bad.resource.demo_server!.other!.name; // required attribute missing
    delete bad.resource.demo_server!.other!.disk; // required block missing
    bad.resource.demo_widget = { w: {} }; // unknown resource type
    bad.data.demo_image!.base = {}; // data source required attribute missing
    bad.provider.demo![0]!.token = "t"; // unknown provider argument

    const problems = checkAgainstProviderSchema(bad, SCHEMA);
    const expected = [
      /^demo_server\.web\.colour: unknown attribute/,
      /^demo_server\.web\.size: expected number/,
      /^demo_server\.web\.public: expected bool/,
      /^demo_server\.web\.zones: expected \["list","string"\]/,
      /^demo_server\.web\.tags\.team: expected string/,
      /^demo_server\.web\.endpoint: computed-only/,
      /^demo_server\.web\.legacy: removed from the provider/,
      /^demo_server\.web\.old_disk: removed from the provider/,
      /^demo_server\.web\.origin\.extra: not an attribute/,
      /^demo_server\.web\.scaling: 2 blocks, at most 1/,
      /^demo_server\.web\.scaling\[0\]\.policy\[0\]\.mode: required attribute missing/,
      /^demo_server\.other\.name: required attribute missing/,
      /^demo_server\.other\.disk: required block missing/,
      /^demo_widget: unknown resource type/,
      /^data\.demo_image\.base\.family: required attribute missing/,
      /^provider\.demo\[0\]\.token: unknown attribute/,
    ];
    for (const pattern of expected) {
      assert.equal(problems.filter((p) => pattern.test(p)).length, 1, `expected one problem matching ${pattern}, got:\n${problems.join("\n")}`);
    }
    assert.equal(problems.length, expected.length, `unexpected extra problems:\n${problems.join("\n")}`);
  });

  it("ignores a timeouts block only when the type declares none", () => {
    const noTimeouts = mutable();
    noTimeouts.data.demo_image!.base!.timeouts = { read: "1m" };
    assert.deepEqual(checkAgainstProviderSchema(noTimeouts, SCHEMA), []);
    const wrongKey = mutable();
    wrongKey.resource.demo_server!.web!.timeouts = { destroy: "1m" };
    assert.match(checkAgainstProviderSchema(wrongKey, SCHEMA).join("\n"), /web\.timeouts\.destroy: unknown attribute/);
  });
});
