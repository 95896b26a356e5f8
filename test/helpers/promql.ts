import { parser } from '@prometheus-io/lezer-promql';

/** Syntax errors of a PromQL expression (the Prometheus UI's own Lezer grammar). */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

/** One label matcher of a selector. */
export interface Matcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

/** One vector selector: `metric{matchers}`. */
export interface Selector {
  readonly metric: string;
  readonly matchers: Matcher[];
}

/** Every vector selector of an expression, with its label matchers (string literals unquoted). */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  const text = (from: number, to: number): string => expr.slice(from, to);
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.name !== 'VectorSelector') return;
      const ident = node.node.getChild('Identifier');
      const matchers: Matcher[] = [];
      const list = node.node.getChild('LabelMatchers');
      for (const m of list ? [...list.getChildren('UnquotedLabelMatcher'), ...list.getChildren('QuotedLabelMatcher')] : []) {
        const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        matchers.push({
          label: name ? text(name.from, name.to) : '',
          op: op ? text(op.from, op.to) : '',
          value: value ? JSON.parse(text(value.from, value.to)) : '',
        });
      }
      out.push({ metric: ident ? text(ident.from, ident.to) : '', matchers });
    },
  });
  return out;
}

/**
 * What Grafana sends for the dashboard's variables: a multi-value variable
 * in a regex matcher becomes `(a|b)`; `$__rate_interval` and `$__range`
 * become durations, `$__range_s` seconds.
 */
export function interpolate(expr: string, variables: { [name: string]: string[] }): string {
  let out = expr.replace(/\$__rate_interval/g, '1m').replace(/\$__range_s/g, '86400').replace(/\$__range/g, '24h');
  for (const [name, values] of Object.entries(variables)) {
    out = out.replace(new RegExp(`\\$${name}\\b`, 'g'), `(${values.join('|')})`);
  }
  if (/\$/.test(out.replace(/\$labels|\$value/g, ''))) {
    throw new Error(`uninterpolated variable left in: ${out}`);
  }
  return out;
}
