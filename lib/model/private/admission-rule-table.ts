import { AdmissionDenialReason, AdmissionRule } from '../admission-rules';
import { lit } from './cel-literal';

/**
 * The message prefix naming a rule: `agent-trust [<id>]: `. A validation of
 * a ValidatingAdmissionPolicy has no id field, so the message is where the
 * API server (and `agent-trust verify`) sees which rule denied.
 */
export function messagePrefix(id: string): string {
  return `agent-trust [${id}]: `;
}

/** A CEL message expression naming rule `id`, followed by `parts` (CEL expressions) joined with `+`. */
export function say(id: string, ...parts: string[]): string {
  return [lit(messagePrefix(id)), ...parts].join(' + ');
}

/** One row of a rule table: the rule's id beside its expression and message. */
export interface RuleSpec {
  readonly id: string;
  readonly description: string;
  readonly expression: string;
  /** The message after the `agent-trust [<id>]: ` prefix, which `rule` adds. */
  readonly message: string;
  /** Complete CEL message expression (use `say(id, …)` to name the rule). */
  readonly messageExpression?: string;
  /** @default AdmissionDenialReason.FORBIDDEN */
  readonly reason?: AdmissionDenialReason;
}

/** An `AdmissionRule` from one table row; the message names the rule's id. */
export function rule(spec: RuleSpec): AdmissionRule {
  return {
    id: spec.id,
    description: spec.description,
    expression: spec.expression,
    message: `${messagePrefix(spec.id)}${spec.message}`,
    ...(spec.messageExpression !== undefined ? { messageExpression: spec.messageExpression } : {}),
    reason: spec.reason ?? AdmissionDenialReason.FORBIDDEN,
  };
}
