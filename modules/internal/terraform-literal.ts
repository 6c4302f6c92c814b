/**
 * Text that must reach its tool as written, not as Terraform: in a
 * synthesized string `${` and `%{` start Terraform's own expressions, so
 * Grafana's `${PROP(…)}` labels or a shell's `${VAR}` are escaped as `$${`
 * and `%%{`, which Terraform turns back into `${` and `%{`.
 */
export function terraformLiteral(text: string): string {
  // A function, because in a replacement string `$$` itself means one `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
