/**
 * The one boundary between configuration and Terraform JSON.
 *
 * Terraform evaluates `${...}` and `%{...}` in every string of a `.tf.json` file, object keys
 * included, and cdktf passes strings through unchanged. A config value such as
 * `${file("/home/me/.ssh/id_rsa")}` in a tag would be evaluated and its result sent to the cloud.
 * So `addStacks` (stacks/index.ts) hands every stack a config whose strings and keys went through
 * `terraformLiterals`: a stack cannot read a config string that bypassed it, whatever field it adds.
 * Text documents rendered for the guests (seeds, kubeconfigs) are escaped as a whole by
 * `toTerraformString`, which uses the same `terraformLiteral`.
 */

/** A Terraform template that evaluates to exactly `text`: `${` -> `$${`, `%{` -> `%%{`. */
export function terraformLiteral(text: string): string {
  // Replacer functions: in a replacement string "$$" would itself collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The text a `terraformLiteral` stands for (its exact inverse). */
export function literalText(literal: string): string {
  // Every `${` of a literal was preceded by an inserted `$` (likewise `%{`): drop that one.
  return literal.replace(/\$(?=\$\{)/g, "").replace(/%(?=%\{)/g, "");
}

/** Applies `f` to every string and object key of plain data (arrays, objects, scalars). */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === "string") return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, f(k), { value: mapStrings(v, f), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** A deep copy of config data whose strings and keys are Terraform literals. */
export function terraformLiterals<T>(config: T): T {
  return mapStrings(config, terraformLiteral);
}

/**
 * The plain values behind `terraformLiterals`, for a renderer whose whole output is escaped again
 * (`toTerraformString`): escaping both the values and the text would double the escapes.
 */
export function literalValues<T>(literals: T): T {
  return mapStrings(literals, literalText);
}
