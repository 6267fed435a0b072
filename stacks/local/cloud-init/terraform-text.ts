/**
 * Turns rendered text into a Terraform string that yields exactly that text.
 *
 * Terraform interpolates `${...}` and `%{...}` in every string, and cdktf does not escape them; the
 * embedded shell scripts use `${var}`. So the text is escaped first (the config boundary's own
 * `terraformLiteral`), and only then are the placeholders replaced by the Terraform expressions
 * (cdktf tokens) they stand for.
 */
import { terraformLiteral } from "../../shared/terraform-literal";

export function toTerraformString(text: string, substitutions: Readonly<Record<string, string>> = {}): string {
  let out = terraformLiteral(text);
  for (const [placeholder, expression] of Object.entries(substitutions)) out = out.split(placeholder).join(expression);
  return out;
}
