/**
 * Offline stand-in for `terraform validate`: checks a synthesized cdk.tf.json against a provider
 * schema in `terraform providers schema -json` format. For every resource and data source of that
 * provider (and its provider block) it reports unknown types and attributes, incompatible value
 * types, missing required attributes and blocks, too many block items, attributes the provider
 * removed (attribute or block description starting with "REMOVED") and computed-only attributes that were set.
 * Terraform expressions ("${...}") are accepted wherever a value goes.
 */

/** A Terraform type as the schema JSON writes it: "string", ["list", "string"], ["object", {...}]… */
export type SchemaType = string | [string, SchemaType] | ["object", Record<string, SchemaType>] | [string, ...unknown[]];

export interface SchemaAttribute {
  type?: SchemaType;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  deprecated?: boolean;
  sensitive?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
  description?: string;
  deprecated?: boolean;
}

export interface SchemaBlockType {
  nesting_mode: "single" | "list" | "set" | "map" | "group";
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface ProviderSchemaJson {
  format_version?: string;
  provider_schemas: Record<
    string,
    {
      provider?: { block: SchemaBlock };
      resource_schemas?: Record<string, { block: SchemaBlock }>;
      data_source_schemas?: Record<string, { block: SchemaBlock }>;
    }
  >;
}

/** Arguments Terraform handles itself on every resource and data source. */
const META_ARGUMENTS = new Set(["depends_on", "lifecycle", "provider", "count", "for_each", "connection", "provisioner", "//"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string holding a Terraform template expression: its type is only known at plan time. */
function isExpression(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}

function typeName(t: SchemaType): string {
  return typeof t === "string" ? t : JSON.stringify(t);
}

/** Problems with `value` against attribute type `type`, at `path`. */
function checkValueType(value: Json, type: SchemaType, path: string, problems: string[]): void {
  if (isExpression(value) || value === null) return;
  if (typeof type === "string") {
    const ok =
      type === "dynamic" ||
      (type === "string" && typeof value === "string") ||
      (type === "number" && typeof value === "number") ||
      (type === "bool" && typeof value === "boolean");
    if (!ok) problems.push(`${path}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  const [kind, inner] = type as [string, unknown];
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected ${typeName(type)}, got ${JSON.stringify(value)}`);
    value.forEach((item, i) => checkValueType(item, inner as SchemaType, `${path}[${i}]`, problems));
  } else if (kind === "map") {
    if (!isObject(value)) return void problems.push(`${path}: expected ${typeName(type)}, got ${JSON.stringify(value)}`);
    for (const [k, v] of Object.entries(value)) checkValueType(v, inner as SchemaType, `${path}.${k}`, problems);
  } else if (kind === "object") {
    if (!isObject(value)) return void problems.push(`${path}: expected ${typeName(type)}, got ${JSON.stringify(value)}`);
    const fields = inner as Record<string, SchemaType>;
    for (const [k, v] of Object.entries(value)) {
      const fieldType = fields[k];
      if (fieldType === undefined) problems.push(`${path}.${k}: not an attribute of ${typeName(type)}`);
      else checkValueType(v, fieldType, `${path}.${k}`, problems);
    }
  } else if (kind === "tuple") {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected ${typeName(type)}, got ${JSON.stringify(value)}`);
  } else {
    problems.push(`${path}: unsupported schema type ${typeName(type)}`);
  }
}

/** Checks one block body (resource, data source, provider or nested block) against its schema. */
function checkBlock(body: Record<string, Json>, block: SchemaBlock, path: string, problems: string[], topLevel: boolean): void {
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  for (const [name, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(name)) continue;
    const attr = attributes[name];
    const nested = blockTypes[name];
    if (attr) {
      if (attr.description?.startsWith("REMOVED")) problems.push(`${path}.${name}: removed from the provider (${attr.description})`);
      if (attr.computed && !attr.optional && !attr.required) problems.push(`${path}.${name}: computed-only, cannot be set`);
      if (attr.type !== undefined) checkValueType(value, attr.type, `${path}.${name}`, problems);
    } else if (nested) {
      const removal = nested.block.description;
      if (removal?.startsWith("REMOVED")) problems.push(`${path}.${name}: removed from the provider (${removal})`);
      checkNestedBlock(value, nested, `${path}.${name}`, problems);
    } else if (!(topLevel && name === "timeouts")) {
      // `timeouts` is handled by Terraform when the type declares no block of that name.
      problems.push(`${path}.${name}: unknown attribute or block`);
    }
  }
  for (const [name, attr] of Object.entries(attributes)) {
    if (attr.required && !(name in body)) problems.push(`${path}.${name}: required attribute missing`);
  }
  for (const [name, nested] of Object.entries(blockTypes)) {
    const min = nested.min_items ?? 0;
    if (min > 0 && !(name in body)) problems.push(`${path}.${name}: required block missing (at least ${min})`);
  }
}

function checkNestedBlock(value: Json, nested: SchemaBlockType, path: string, problems: string[]): void {
  if (isExpression(value)) return; // a dynamic value; not checkable offline
  if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
    if (!isObject(value)) return void problems.push(`${path}: expected a single block (object), got ${JSON.stringify(value)}`);
    return checkBlock(value, nested.block, path, problems, false);
  }
  if (nested.nesting_mode === "map") {
    if (!isObject(value)) return void problems.push(`${path}: expected a map of blocks, got ${JSON.stringify(value)}`);
    for (const [k, v] of Object.entries(value)) {
      if (isObject(v)) checkBlock(v, nested.block, `${path}.${k}`, problems, false);
      else problems.push(`${path}.${k}: expected a block (object)`);
    }
    return;
  }
  // list / set: Terraform JSON takes one object or an array of objects.
  const items = Array.isArray(value) ? value : [value];
  if (nested.max_items !== undefined && nested.max_items > 0 && items.length > nested.max_items) {
    problems.push(`${path}: ${items.length} blocks, at most ${nested.max_items} allowed`);
  }
  if (nested.min_items !== undefined && items.length < nested.min_items) {
    problems.push(`${path}: ${items.length} blocks, at least ${nested.min_items} required`);
  }
  items.forEach((item, i) => {
    const itemPath = Array.isArray(value) ? `${path}[${i}]` : path;
    if (isObject(item)) checkBlock(item, nested.block, itemPath, problems, false);
    else if (!isExpression(item)) problems.push(`${itemPath}: expected a block (object), got ${JSON.stringify(item)}`);
  });
}

/** The provider's local name: the last segment of its schema key (registry.terraform.io/aliyun/alicloud → alicloud). */
function providerName(key: string): string {
  return key.split("/").pop()!;
}

/** Whether a resource or data source type belongs to provider `name` (its type prefix). */
function belongsTo(type: string, name: string): boolean {
  return type === name || type.startsWith(`${name}_`);
}

/**
 * Every problem of `tfJson`'s resources, data sources and provider configurations that belong to
 * the provider(s) in `schema`. An empty list means the configuration matches the schema.
 */
export function checkAgainstProviderSchema(tfJson: unknown, schema: ProviderSchemaJson): string[] {
  const problems: string[] = [];
  if (!isObject(tfJson)) return ["configuration is not a JSON object"];
  for (const [key, provider] of Object.entries(schema.provider_schemas)) {
    const name = providerName(key);
    const sections: [string, string, Record<string, { block: SchemaBlock }>][] = [
      ["resource", "resource", provider.resource_schemas ?? {}],
      ["data", "data source", provider.data_source_schemas ?? {}],
    ];
    for (const [section, label, types] of sections) {
      const entries = tfJson[section];
      if (!isObject(entries)) continue;
      for (const [type, instances] of Object.entries(entries)) {
        if (!belongsTo(type, name)) continue;
        const typeSchema = types[type];
        const prefix = section === "data" ? `data.${type}` : type;
        if (!typeSchema) {
          problems.push(`${prefix}: unknown ${label} type for provider ${name}`);
          continue;
        }
        if (!isObject(instances)) continue;
        for (const [instance, body] of Object.entries(instances)) {
          if (isObject(body)) checkBlock(body, typeSchema.block, `${prefix}.${instance}`, problems, true);
          else problems.push(`${prefix}.${instance}: expected an object`);
        }
      }
    }
    const providers = tfJson.provider;
    if (isObject(providers) && provider.provider && name in providers) {
      const configs = providers[name];
      for (const [i, config] of (Array.isArray(configs) ? configs : [configs]).entries()) {
        if (isObject(config)) {
          const { alias: _alias, ...rest } = config;
          checkBlock(rest, provider.provider.block, `provider.${name}[${i}]`, problems, false);
        }
      }
    }
  }
  return problems;
}
