/**
 * A PromQL regex alternation matching exactly the given values: RE2
 * metacharacters escaped, then the backslashes doubled for the double-quoted
 * PromQL string the regex sits in.
 */
export function promqlAlternation(values: string[]): string {
  return values.map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\/g, '\\\\')).join('|');
}
