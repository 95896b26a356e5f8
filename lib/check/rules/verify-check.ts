import { VerifyContext } from '../private/verify-context';
import { VerifyRule } from '../verify-rule';

/**
 * One check of the verifier, in the manner of a cdk-nag rule: the rules
 * (finding ids) it reports and the function that looks for them. The
 * verifier runs every entry of `VERIFY_CHECKS` (`./index.ts`); a check
 * that throws becomes a `check-error` finding naming it, never a crash and
 * never the user's `input-malformed`.
 */
export interface VerifyCheck {
  /** Short name for `check-error` findings, e.g. `ServiceAccount`. */
  readonly name: string;
  /** The rules this check reports (a test proves every rule has a check). */
  readonly rules: VerifyRule[];
  /** Whether the check needs launcher contracts (skipped when none was found: `contract-missing` says so). */
  readonly needsContracts: boolean;
  /** Look at the output and report findings through `ctx.report`. */
  readonly check: (ctx: VerifyContext) => void;
}
