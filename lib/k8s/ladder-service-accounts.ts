import { Construct } from 'constructs';
import { AgentFleet, DenylistOverride, KubernetesRule, PermissionSet } from '../model';
import { PhaseServiceAccount } from './phase-service-account';
import { pathOf } from './private/k8s-util';
import { InputRules } from '../model/private/input-rules';
import { ProblemCollector } from '../model/private/problem-collector';
import { RuleCoverage } from '../model/private/rule-coverage';

/** Properties of `LadderServiceAccounts`. */
export interface LadderServiceAccountsProps {
  /** The fleet; one `PhaseServiceAccount` is created per rendered phase (`fleet.renderedPhases`). */
  readonly fleet: AgentFleet;
  /**
   * Extra rules per phase name, added on top of the ladder's rules. A rule
   * added to a phase is not inherited by higher phases: add it there too,
   * or synth fails the monotonicity check. Rules of a phase above every
   * agent's ceiling are accepted and rendered once a ceiling reaches it.
   * @default - none
   */
  readonly additionalRules?: { [phase: string]: KubernetesRule[] };
  /**
   * Named denylist exceptions per phase name (see `PhaseServiceAccountProps.allowDenied`).
   * @default - none
   */
  readonly allowDenied?: { [phase: string]: DenylistOverride[] };
}

/**
 * Every rendered phase of a ladder at once (`fleet.renderedPhases`: up to
 * the highest agent ceiling): one `PhaseServiceAccount` per phase
 * (child id = phase name), and a synth-time validation that each phase
 * grants at least everything the phase below it grants, computed over the
 * rules actually synthesized (ladder rules + additional rules) in every
 * target namespace and cluster-wide.
 */
export class LadderServiceAccounts extends Construct {
  /** The phase ServiceAccounts, lowest phase first. */
  public readonly serviceAccounts: PhaseServiceAccount[];

  private readonly targetNamespaces: string[];
  private readonly hasAdditionalRules: boolean;

  public constructor(scope: Construct, id: string, props: LadderServiceAccountsProps) {
    super(scope, id);
    const fleet = props.fleet;
    this.targetNamespaces = [...fleet.targetNamespaces];
    const path = pathOf(this);
    const problems = new ProblemCollector();
    const phases = fleet.ladder.phases.map(p => p.name);
    for (const [field, map] of [['additionalRules', props.additionalRules], ['allowDenied', props.allowDenied]] as const) {
      for (const key of Object.keys(map ?? {})) {
        if (!phases.includes(key)) {
          problems.add(path, `${field}["${key}"]`, key, 'is not a phase of the fleet\'s ladder', `use one of ${phases.join(', ')}`);
        }
      }
    }
    problems.throwIfAny(path);

    // Only the rendered phases: a phase above every agent's ceiling gets no ServiceAccount or RBAC.
    this.serviceAccounts = fleet.renderedPhases.map(phase => new PhaseServiceAccount(this, phase.name, {
      fleet,
      phase,
      additionalRules: props.additionalRules?.[phase.name],
      allowDenied: props.allowDenied?.[phase.name],
    }));

    this.hasAdditionalRules = Object.values(props.additionalRules ?? {}).some(rules => (rules ?? []).length > 0);
    this.node.addValidation({ validate: () => this.monotonicityProblems() });
  }

  /** The ServiceAccount construct of a phase name; throws when the ladder has no such phase. */
  public forPhase(phaseName: string): PhaseServiceAccount {
    return InputRules.findByName(this.serviceAccounts, s => s.phase.name, phaseName, (n, names) => `${pathOf(this)}: unknown phase ${n}; use one of ${names}`);
  }

  /** Problems where a higher phase grants less than the phase below it (empty when monotonic). */
  private monotonicityProblems(): string[] {
    const problems = new ProblemCollector();
    if (!this.hasAdditionalRules) {
      // Only the ladder's own rules: the fleet already proved them monotonic (TrustLadder), over the same phases.
      return [];
    }
    // Every target namespace gets the same Roles, so the first one decides;
    // the full sets (one grant per namespace) are built only to word a failure.
    const one = this.targetNamespaces.slice(0, 1);
    for (let i = 1; i < this.serviceAccounts.length; i++) {
      const lower = this.serviceAccounts[i - 1];
      const higher = this.serviceAccounts[i];
      if (RuleCoverage.repeatsAll(higher.rules, lower.rules)
        || PermissionSet.fromRules(higher.rules, one).missing(PermissionSet.fromRules(lower.rules, one)).length === 0) {
        continue;
      }
      const missing = higher.permissions().missing(lower.permissions());
      if (missing.length > 0) {
        problems.add(pathOf(higher), 'rules', higher.phase.name,
          `grants less than the phase below ("${lower.phase.name}"): missing ${missing.join('; ')}`,
          `give "${higher.phase.name}" the same rules (e.g. repeat the additionalRules of "${lower.phase.name}")`);
      }
    }
    return problems.toMessages();
  }
}
