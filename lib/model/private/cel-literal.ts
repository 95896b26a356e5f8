/** A CEL string literal (JSON string escapes are valid CEL escapes). */
export function lit(value: string): string {
  return JSON.stringify(value);
}

/** A CEL list of string literals. */
export function listLit(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}
