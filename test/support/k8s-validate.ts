/**
 * Validates synthesized Kubernetes objects offline:
 * - built-in kinds against the Kubernetes API schema with `kubernetes-models` (types, enums,
 *   required fields; it does not flag unknown fields);
 * - custom resources against the `openAPIV3Schema` of their CRD (JSON files in
 *   test/fixtures/crd-schemas, see its README) with ajv. Unknown fields are errors here: the API
 *   server would silently prune them, which hides a misspelt setting.
 * Any object whose kind has neither a model nor a registered CRD schema is reported, never skipped.
 *
 * Usage: `const v = new ManifestValidator(); v.addCrdSchemaFile(path); assert.deepEqual(v.validateAll(objects), [])`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/** One Kubernetes object as synthesized (plain JSON). */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly [k: string]: unknown };
  readonly [key: string]: unknown;
}

/** Folder with the committed CRD schema fixtures. */
export const CRD_SCHEMA_DIR = join(__dirname, "..", "fixtures", "crd-schemas");

/** A CRD schema fixture file. */
export interface CrdSchemaFixture {
  readonly source: { readonly file: string; readonly sha256: string; readonly crd: string };
  readonly apiVersion: string;
  readonly kind: string;
  readonly openAPIV3Schema: Record<string, unknown>;
}

/** Every object in a multi-document YAML text (empty documents dropped). */
export function parseManifests(text: string): ManifestObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => o !== null && typeof o === "object");
}

/** `Kind namespace/name`, for messages. */
function describeObject(o: ManifestObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : "";
  return `${o.kind} ${ns}${o.metadata?.name ?? "<unnamed>"}`;
}

export function readCrdSchemaFixture(file: string): CrdSchemaFixture {
  return JSON.parse(readFileSync(file, "utf8")) as CrdSchemaFixture;
}

/** Fixture file names in CRD_SCHEMA_DIR. */
export function crdSchemaFixtureFiles(dir = CRD_SCHEMA_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json"));
}

/**
 * Structural-schema rules as the API server applies them: objects with `properties` admit no other
 * fields unless `x-kubernetes-preserve-unknown-fields` or `additionalProperties` says otherwise;
 * `x-kubernetes-int-or-string` admits both. Returns a new schema.
 */
export function closeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (!schema || typeof schema !== "object") return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "properties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, ps]) => [p, closeSchema(ps)]));
    } else out[k] = closeSchema(v);
  }
  if (s["x-kubernetes-int-or-string"] === true && !("anyOf" in s)) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (s.properties && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * `schema` with every `properties` map cut down to the fields the given values have there (the
 * union over them, followed into nested objects, array items, map values and anyOf/oneOf/allOf/
 * not branches); every other keyword is kept. Validating those values against it reports exactly
 * what the whole schema reports: `properties` only ever checks fields that are present, a missing
 * field is `required`'s finding, and an unknown one is still outside `properties` for
 * `additionalProperties`. It compiles in milliseconds.
 */
export function prunedSchema(schema: unknown, values: readonly unknown[]): unknown {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...s };
  const objects = values.filter((v): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v));
  const props = s.properties && typeof s.properties === "object" ? (s.properties as Record<string, unknown>) : undefined;
  if (props) {
    const present = [...new Set(objects.flatMap((o) => Object.keys(o)))].filter((k) => Object.hasOwn(props, k));
    out.properties = Object.fromEntries(
      present.map((k) => [
        k,
        prunedSchema(
          props[k],
          objects.filter((o) => Object.hasOwn(o, k)).map((o) => o[k]),
        ),
      ]),
    );
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    const extra = objects.flatMap((o) =>
      Object.entries(o)
        .filter(([k]) => !props || !Object.hasOwn(props, k))
        .map(([, v]) => v),
    );
    out.additionalProperties = prunedSchema(s.additionalProperties, extra);
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) out.items = prunedSchema(s.items, values.filter(Array.isArray).flat());
  for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map((branch) => prunedSchema(branch, values));
  if (s.not) out.not = prunedSchema(s.not, values);
  return out;
}

type ModelClass = new (data: unknown) => { validate(): void };

export class ManifestValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  private readonly crd = new Map<string, { schema: Record<string, unknown>; source: string }>();

  constructor() {
    // Kubernetes' OpenAPI formats that matter for CRDs; unknown formats are ignored (strict: false).
    this.ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  }

  /** Registers the schema of one CRD version; later registrations for the same kind replace it. */
  addCrdSchema(fixture: CrdSchemaFixture): this {
    const schema = closeSchema(fixture.openAPIV3Schema) as Record<string, unknown>;
    // metadata is validated by the API server itself, not by the CRD schema.
    const props = {
      ...(schema.properties as Record<string, unknown> | undefined),
      metadata: { type: "object" },
      apiVersion: { type: "string" },
      kind: { type: "string" },
    };
    this.crd.set(`${fixture.apiVersion}/${fixture.kind}`, {
      schema: { ...schema, properties: props },
      source: `${fixture.source.file} (${fixture.source.crd})`,
    });
    return this;
  }

  addCrdSchemaFile(file: string): this {
    return this.addCrdSchema(readCrdSchemaFixture(file));
  }

  /** Problems of one object (empty when valid), each prefixed with the object's kind and name. */
  validate(o: ManifestObject): string[] {
    const what = describeObject(o);
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return [`${what}: missing apiVersion or kind`];
    if (!o.metadata?.name) return [`${what}: missing metadata.name`];
    const crd = this.crd.get(`${o.apiVersion}/${o.kind}`);
    if (crd) {
      // Compiling a whole CRD schema (Calico's Installation: 140 KB) took seconds; the schema cut
      // down to this object's fields finds exactly the same problems (see prunedSchema).
      const validate: ValidateFunction = this.ajv.compile(prunedSchema(crd.schema, [o]) as Record<string, unknown>);
      if (validate(o)) return [];
      return (validate.errors ?? []).map(
        (e) =>
          `${what}: ${e.instancePath || "/"} ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` '${String(e.params.additionalProperty)}'` : ""} (CRD schema ${crd.source})`,
      );
    }
    const model = builtInModel(o.apiVersion, o.kind);
    if (!model) return [`${what}: no Kubernetes API model for ${o.apiVersion} ${o.kind} and no CRD schema registered`];
    try {
      new model(o).validate();
      return [];
    } catch (err) {
      return [`${what}: ${(err as Error).message}`];
    }
  }

  validateAll(objects: readonly ManifestObject[]): string[] {
    return objects.flatMap((o) => this.validate(o));
  }
}

/** The kubernetes-models class for a built-in kind (`v1`, `apps/v1`, `rbac.authorization.k8s.io/v1`...). */
export function builtInModel(apiVersion: string, kind: string): ModelClass | undefined {
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`kubernetes-models/${apiVersion}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const cls = mod[kind];
  return typeof cls === "function" ? (cls as ModelClass) : undefined;
}
