import { LauncherContractDocument } from './launcher-contract';
import { DemotionTrigger, PromotionCriteria } from './promotion';
import { TrustLadder } from './trust-ladder';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

/** One human approval of a promotion. */
export interface PromotionApproval {
  /** Who approved (a person, not a team alias); counted once however often it appears. */
  readonly approver: string;
  /**
   * When, as an ISO 8601 timestamp.
   * @default - not recorded
   */
  readonly approvedAt?: string;
}

/**
 * What was observed while the agent ran in its current phase: the figures a
 * promotion gate compares with the criteria of the next phase.
 */
export interface PromotionEvidence {
  /** Agent the evidence is about. */
  readonly agent: string;
  /** Phase the agent ran in while the evidence was collected (the phase below the target). */
  readonly currentPhase: string;
  /** Investigations completed in the current phase. */
  readonly investigations: number;
  /**
   * Share (0..1) of investigations that succeeded.
   * @default - use `agreementRate`; one of the two is required
   */
  readonly successRate?: number;
  /**
   * Share (0..1) of investigations whose outcome humans agreed with (shadow mode).
   * @default - use `successRate`; one of the two is required
   */
  readonly agreementRate?: number;
  /** Actions denied by RBAC, admission or a Vault policy in the observation window. */
  readonly policyViolations: number;
  /** Whole or fractional days spent in the current phase. */
  readonly daysInPhase: number;
  /** Human approvals of this promotion. */
  readonly approvals: PromotionApproval[];
  /**
   * Security incidents involving the agent, its credentials or its image.
   * @default 0
   */
  readonly securityIncidents?: number;
  /**
   * Ids of custom demotion triggers that fired (built-in triggers are derived from the figures).
   * @default - none
   */
  readonly triggeredEvents?: string[];
}

/** A criterion the evidence does not meet. */
export interface UnmetCriterion {
  /** Criterion id: `minInvestigations`, `minSuccessRate`, `maxPolicyViolations`, `minDays`, `requiredApprovals`, `securityIncidents`, `step`, `evidence`. */
  readonly criterion: string;
  /** What is required, as text. */
  readonly required: string;
  /** What was observed, as text. */
  readonly observed: string;
  /** One readable sentence. */
  readonly message: string;
}

/** The outcome of a promotion check. */
export interface PromotionDecision {
  /** Agent. */
  readonly agent: string;
  /** Phase promoted from. */
  readonly fromPhase: string;
  /** Phase promoted to. */
  readonly toPhase: string;
  /** Whether every criterion is met and no demotion is due. */
  readonly eligible: boolean;
  /** Every unmet criterion (empty when eligible). */
  readonly unmet: UnmetCriterion[];
  /** Demotion triggers of the current phase that fired (a due demotion also blocks promotion). */
  readonly demotionsDue: DemotionDue[];
}

/** A demotion trigger that fired. */
export interface DemotionDue {
  /** Trigger id (`DemotionTrigger.id`). */
  readonly trigger: string;
  /** What was observed, as text. */
  readonly observed: string;
  /** Phase the agent should be demoted to (the phase below its current one). */
  readonly demoteTo: string;
}

/** A ladder step as the gate sees it: a phase, its entry criteria and its demotion triggers. */
export interface PromotionGateStep {
  /** Phase name. */
  readonly phase: string;
  /**
   * Criteria for entering the phase from the one below.
   * @default - none (the lowest phase; promotion into a higher phase without criteria is refused)
   */
  readonly criteria?: PromotionCriteria;
  /** Ids of the triggers that demote out of the phase. */
  readonly demotionTriggers: string[];
}

const DEFAULT_TRIGGERS = [DemotionTrigger.POLICY_VIOLATION.id, DemotionTrigger.SECURITY_INCIDENT.id];

/**
 * Promotion gates as code: compares observed evidence with the criteria of
 * the next phase of the ladder and lists every criterion that is not met,
 * so a promotion is a decision backed by numbers, not by a feeling.
 */
export class PromotionGate {
  /** A gate over a trust ladder (criteria and triggers from its phase definitions). */
  public static fromLadder(ladder: TrustLadder): PromotionGate {
    return new PromotionGate(ladder.definitions.map(d => ({
      phase: d.phase.name,
      criteria: d.promotion,
      demotionTriggers: ladder.demotionTriggers(d.phase).map(t => t.id),
    })));
  }

  /** A gate over a launcher contract's phase table (`promotion`, `demotionTriggers` per phase). */
  public static fromContract(document: LauncherContractDocument): PromotionGate {
    return new PromotionGate((document.phases ?? []).map(p => ({
      phase: p.name,
      criteria: p.promotion,
      demotionTriggers: p.demotionTriggers ?? DEFAULT_TRIGGERS,
    })));
  }

  /** Evaluate a promotion on a trust ladder; see `PromotionGate.check`. */
  public static evaluate(ladder: TrustLadder, toPhase: string, evidence: PromotionEvidence, fromPhase?: string): PromotionDecision {
    return PromotionGate.fromLadder(ladder).check(toPhase, evidence, fromPhase);
  }

  /** The demotions due on a trust ladder; see `PromotionGate.demotionsFor`. */
  public static demotionsDue(ladder: TrustLadder, evidence: PromotionEvidence): DemotionDue[] {
    return PromotionGate.fromLadder(ladder).demotionsFor(evidence);
  }

  /**
   * Read and validate an evidence document (parsed JSON). Throws an
   * `AgentTrustValidationError` listing every problem (types, ranges,
   * missing fields) naming `source`.
   */
  public static parseEvidence(obj: any, source?: string): PromotionEvidence {
    const path = source ?? 'evidence';
    const problems = new ProblemCollector();
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      problems.add(path, '(document)', obj, 'must be a JSON object', 'write { "agent": …, "currentPhase": …, "investigations": … }');
      problems.throwIfAny(path);
    }
    const str = (field: string): void => {
      if (typeof obj[field] !== 'string' || obj[field].trim() === '') {
        problems.add(path, field, obj[field], 'must be a non-empty string', `set "${field}"`);
      }
    };
    const count = (field: string, optional: boolean): void => {
      const v = obj[field];
      if (v === undefined && optional) {
        return;
      }
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        problems.add(path, field, v, 'must be a whole number ≥ 0', `set "${field}" to a count such as 0`);
      }
    };
    const share = (field: string): void => {
      const v = obj[field];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) {
        problems.add(path, field, v, 'must be a share between 0 and 1', 'write 93 % as 0.93');
      }
    };
    str('agent');
    str('currentPhase');
    count('investigations', false);
    count('policyViolations', false);
    count('securityIncidents', true);
    share('successRate');
    share('agreementRate');
    if (obj.successRate === undefined && obj.agreementRate === undefined) {
      problems.add(path, 'successRate', undefined, 'is missing (and so is agreementRate)',
        'set "successRate" (or "agreementRate" in shadow mode) to a share between 0 and 1');
    }
    if (typeof obj.daysInPhase !== 'number' || !(obj.daysInPhase >= 0) || !Number.isFinite(obj.daysInPhase)) {
      problems.add(path, 'daysInPhase', obj.daysInPhase, 'must be a number of days ≥ 0', 'e.g. 14');
    }
    if (!Array.isArray(obj.approvals)) {
      problems.add(path, 'approvals', obj.approvals, 'must be a list', 'write [] or [{ "approver": "alice", "approvedAt": "2026-11-20T10:00:00Z" }]');
    } else {
      obj.approvals.forEach((a: any, i: number) => {
        if (a === null || typeof a !== 'object' || typeof a.approver !== 'string' || a.approver.trim() === '') {
          problems.add(path, `approvals[${i}].approver`, a?.approver, 'must be a non-empty string', 'name the person who approved');
        }
        if (a && a.approvedAt !== undefined && (typeof a.approvedAt !== 'string' || Number.isNaN(Date.parse(a.approvedAt)))) {
          problems.add(path, `approvals[${i}].approvedAt`, a.approvedAt, 'is not an ISO 8601 timestamp', 'e.g. "2026-11-20T10:00:00Z", or leave it out');
        }
      });
    }
    if (obj.triggeredEvents !== undefined && (!Array.isArray(obj.triggeredEvents) || obj.triggeredEvents.some((e: unknown) => typeof e !== 'string'))) {
      problems.add(path, 'triggeredEvents', obj.triggeredEvents, 'must be a list of trigger ids', 'e.g. ["cost-overrun"]');
    }
    problems.throwIfAny(path);
    return obj as PromotionEvidence;
  }

  private readonly steps: PromotionGateStep[];

  /** A gate over explicit steps, lowest phase first. */
  public constructor(steps: PromotionGateStep[]) {
    this.steps = steps.map(s => ({ ...s, demotionTriggers: [...s.demotionTriggers] }));
  }

  /** Phase names, lowest first. */
  public get phases(): string[] {
    return this.steps.map(s => s.phase);
  }

  /**
   * Evaluate a promotion to `toPhase`. `fromPhase` defaults to the
   * evidence's `currentPhase`. Returns every unmet criterion; a skip of
   * more than one phase, a demotion or a same-phase request is refused as
   * an unmet `step`. Throws an `AgentTrustValidationError` for a phase the
   * ladder does not hold or an invalid evidence document.
   */
  public check(toPhase: string, evidence: PromotionEvidence, fromPhase?: string): PromotionDecision {
    PromotionGate.parseEvidence(evidence);
    const from = fromPhase ?? evidence.currentPhase;
    const problems = new ProblemCollector();
    const toRank = this.rankOf(toPhase);
    const fromRank = this.rankOf(from);
    for (const [field, value, rank] of [['toPhase', toPhase, toRank], ['fromPhase', from, fromRank]] as Array<[string, string, number]>) {
      if (rank < 0) {
        problems.add('PromotionGate', field, value, 'is not a phase of this ladder', `use one of: ${this.phases.join(', ')}`);
      }
    }
    if (evidence.currentPhase !== from && this.rankOf(evidence.currentPhase) < 0) {
      problems.add('PromotionGate', 'evidence.currentPhase', evidence.currentPhase, 'is not a phase of this ladder',
        `use one of: ${this.phases.join(', ')}`);
    }
    problems.throwIfAny('PromotionGate');

    const unmet: UnmetCriterion[] = [];
    const miss = (criterion: string, required: string, observed: string, message: string): void => {
      unmet.push({ criterion, required, observed, message });
    };
    if (evidence.currentPhase !== from) {
      miss('evidence', `evidence collected in "${from}"`, `"${evidence.currentPhase}"`,
        `the evidence was collected in "${evidence.currentPhase}", not in "${from}"; collect evidence in the phase being promoted from`);
    }
    const demotions = this.demotionsFor(evidence);
    if (toRank <= fromRank) {
      miss('step', `a phase above "${from}"`, `"${toPhase}"`, toRank === fromRank
        ? `"${toPhase}" is the current phase; nothing to promote`
        : `"${toPhase}" is below "${from}": that is a demotion, which needs no gate; lower the ceiling instead`);
      return this.decision(evidence, from, toPhase, unmet, demotions);
    }
    if (toRank > fromRank + 1) {
      const next = this.steps[fromRank + 1].phase;
      miss('step', `"${next}" (one phase up from "${from}")`, `"${toPhase}"`,
        `promotion skips ${toRank - fromRank - 1} phase(s): promote to "${next}" first and collect evidence there`);
      return this.decision(evidence, from, toPhase, unmet, demotions);
    }
    const criteria = this.steps[toRank].criteria;
    if (!criteria) {
      miss('step', `promotion criteria for "${toPhase}"`, 'none',
        `phase "${toPhase}" declares no promotion criteria, so no evidence can justify entering it; declare them in the ladder`);
      return this.decision(evidence, from, toPhase, unmet, demotions);
    }
    if (evidence.investigations < criteria.minInvestigations) {
      miss('minInvestigations', `≥ ${criteria.minInvestigations}`, `${evidence.investigations}`,
        `${evidence.investigations} investigations in "${from}", ${criteria.minInvestigations} required`);
    }
    const rate = PromotionGate.rateOf(evidence);
    if (rate < criteria.minSuccessRate) {
      miss('minSuccessRate', `≥ ${criteria.minSuccessRate}`, `${rate}`,
        `success/agreement rate ${rate} is below ${criteria.minSuccessRate}`);
    }
    const maxViolations = criteria.maxPolicyViolations ?? 0;
    if (evidence.policyViolations > maxViolations) {
      miss('maxPolicyViolations', `≤ ${maxViolations}`, `${evidence.policyViolations}`,
        `${evidence.policyViolations} policy violation(s) observed, at most ${maxViolations} tolerated`);
    }
    if (evidence.daysInPhase < criteria.minDays) {
      miss('minDays', `≥ ${criteria.minDays}`, `${evidence.daysInPhase}`,
        `${evidence.daysInPhase} day(s) in "${from}", ${criteria.minDays} required`);
    }
    const approvers = PromotionGate.distinctApprovers(evidence);
    if (approvers.length < criteria.requiredApprovals) {
      miss('requiredApprovals', `≥ ${criteria.requiredApprovals} distinct approver(s)`,
        `${approvers.length}${approvers.length ? ` (${approvers.join(', ')})` : ''}`,
        `${approvers.length} distinct approver(s), ${criteria.requiredApprovals} required`);
    }
    const incidents = evidence.securityIncidents ?? 0;
    if (incidents > 0) {
      miss('securityIncidents', '0', `${incidents}`, `${incidents} security incident(s) in "${from}"; no promotion after an incident`);
    }
    return this.decision(evidence, from, toPhase, unmet, demotions);
  }

  /**
   * The demotion triggers of the evidence's current phase that fired:
   * `policy-violation` (any violation), `security-incident` (any incident),
   * `success-rate-drop` (rate below the criteria that admitted the phase),
   * and any custom trigger listed in `triggeredEvents`.
   */
  public demotionsFor(evidence: PromotionEvidence): DemotionDue[] {
    const rank = this.rankOf(evidence.currentPhase);
    if (rank < 0) {
      const problems = new ProblemCollector();
      problems.add('PromotionGate', 'currentPhase', evidence.currentPhase, 'is not a phase of this ladder', `use one of: ${this.phases.join(', ')}`);
      problems.throwIfAny('PromotionGate');
    }
    const step = this.steps[rank];
    // The lowest phase has nowhere to go: a demotion there means stopping the agent.
    const demoteTo = rank > 0 ? this.steps[rank - 1].phase : '(stop the agent)';
    const out: DemotionDue[] = [];
    for (const trigger of step.demotionTriggers) {
      let observed: string | undefined;
      if (trigger === DemotionTrigger.POLICY_VIOLATION.id && evidence.policyViolations > 0) {
        observed = `${evidence.policyViolations} policy violation(s)`;
      } else if (trigger === DemotionTrigger.SECURITY_INCIDENT.id && (evidence.securityIncidents ?? 0) > 0) {
        observed = `${evidence.securityIncidents} security incident(s)`;
      } else if (trigger === DemotionTrigger.SUCCESS_RATE_DROP.id && step.criteria
        && PromotionGate.rateOf(evidence) < step.criteria.minSuccessRate) {
        observed = `rate ${PromotionGate.rateOf(evidence)} below ${step.criteria.minSuccessRate}`;
      } else if ((evidence.triggeredEvents ?? []).includes(trigger)) {
        observed = 'reported in triggeredEvents';
      }
      if (observed !== undefined) {
        out.push({ trigger, observed, demoteTo });
      }
    }
    return out;
  }

  /** The criteria for entering a phase, or undefined when it has none; throws for an unknown phase. */
  public criteriaOf(phase: string): PromotionCriteria | undefined {
    return InputRules.findByName(this.steps, s => s.phase, phase, (n, names) => `unknown trust phase ${n}; this ladder has ${names}`).criteria;
  }

  private static rateOf(evidence: PromotionEvidence): number {
    // With both figures given, the lower one counts: a gate errs on the safe side.
    const rates = [evidence.successRate, evidence.agreementRate].filter((r): r is number => typeof r === 'number');
    return Math.min(...rates);
  }

  private static distinctApprovers(evidence: PromotionEvidence): string[] {
    const seen = new Map<string, string>();
    for (const a of evidence.approvals) {
      const key = a.approver.trim().toLowerCase();
      // The agent cannot approve its own promotion.
      if (key !== evidence.agent.trim().toLowerCase() && !seen.has(key)) {
        seen.set(key, a.approver.trim());
      }
    }
    return [...seen.values()];
  }

  private rankOf(phase: string): number {
    return this.steps.findIndex(s => s.phase === phase);
  }

  private decision(evidence: PromotionEvidence, from: string, to: string, unmet: UnmetCriterion[], demotions: DemotionDue[]): PromotionDecision {
    return {
      agent: evidence.agent,
      fromPhase: from,
      toPhase: to,
      eligible: unmet.length === 0 && demotions.length === 0,
      unmet,
      demotionsDue: demotions,
    };
  }
}
