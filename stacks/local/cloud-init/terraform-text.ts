/**
 * Turns rendered text into a Terraform string that yields exactly that text.
 *
 * Terraform interpolates `${...}` and `%{...}` in every string, and cdktf does not escape them; the
 * embedded shell scripts use `${var}`. So the text is escaped (`$${`, `%%{`) first, and only then
 * are the placeholders replaced by the Terraform expressions (cdktf tokens) they stand for.
 */
export function toTerraformString(text: string, substitutions: Readonly<Record<string, string>> = {}): string {
  // Replacer functions: in a replacement string "$$" would itself collapse to "$".
  let out = text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
  for (const [placeholder, expression] of Object.entries(substitutions)) out = out.split(placeholder).join(expression);
  return out;
}
