import { AccessLevel } from './access-level';
import { Domain } from './domain';
import { KubernetesRule } from './kubernetes-rule';
import { TrustNames } from './trust-names';
import { PermissionSet } from './permission-set';
import { DemotionTrigger, PromotionCriteria } from './promotion';
import { DenyRule, DenylistOverride, RbacDenylist } from './rbac-denylist';
import { TrustPhase } from './trust-phase';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';
import { RuleCoverage } from './private/rule-coverage';

/** The access level a phase has in one domain. */
export interface DomainAccess {
  /** The domain. */
  readonly domain: Domain;
  /** The level of credentials the phase may request there. */
  readonly level: AccessLevel;
}

/** Everything one phase of a ladder grants, and how an agent gets into it. */
export interface PhaseDefinition {
  /** The phase. */
  readonly phase: TrustPhase;
  /** What the phase is for, shown in reports. */
  readonly description: string;
  /**
   * Every Kubernetes rule the phase holds (not only what it adds): the
   * list is what a reviewer reads, and monotonicity is checked, not assumed.
   */
  readonly kubernetesRules: KubernetesRule[];
  /**
   * Access level in every declared domain not listed in `domainAccess`.
   * @default AccessLevel.NONE
   */
  readonly defaultAccess?: AccessLevel;
  /**
   * Access levels for named domains, overriding `defaultAccess`.
   * @default - none
   */
  readonly domainAccess?: DomainAccess[];
  /**
   * Criteria for promotion into this phase from the one below.
   * @default - none: the lowest phase needs no promotion; for higher phases validation asks for criteria
   */
  readonly promotion?: PromotionCriteria;
  /**
   * Events that demote an agent out of this phase.
   * @default - policy violation and security incident
   */
  readonly demotionTriggers?: DemotionTrigger[];
  /**
   * Named exceptions to the RBAC denylist for this phase.
   * @default - none
   */
  readonly allowDenied?: DenylistOverride[];
}

const READ = ['get', 'list', 'watch'];

/**
 * An ordered list of trust phases, lowest first. Each phase must grant at
 * least what the phase below it grants, in Kubernetes and in every domain.
 */
export class TrustLadder {
  /**
   * The standard four-phase ladder of the seed architecture:
   * shadow < read-only < limited-write < autonomous.
   */
  public static standard(): TrustLadder {
    const shadowRules: KubernetesRule[] = [
      { apiGroups: [''], resources: ['pods', 'pods/status', 'events'], verbs: READ },
    ];
    // The read set peer investigators (HolmesGPT, k8sgpt, kagent) agree on, minus Secrets.
    const readRules: KubernetesRule[] = [
      ...shadowRules,
      { apiGroups: [''], resources: ['pods/log', 'services', 'endpoints', 'configmaps', 'replicationcontrollers', 'persistentvolumeclaims'], verbs: READ },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
      { apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: READ, clusterScoped: true },
    ];
    const limitedRules: KubernetesRule[] = [
      ...readRules,
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'patch'] },
    ];
    const autonomousRules: KubernetesRule[] = [
      ...limitedRules,
      // No patch on deployments/statefulsets/daemonsets (a rollout restart):
      // a pod-template write runs any image as any ServiceAccount (deny rule workload-template-write).
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['create', 'patch'] },
    ];
    return new TrustLadder([
      {
        phase: TrustPhase.SHADOW,
        description: 'runs beside humans; output is only compared, never acted on',
        kubernetesRules: shadowRules,
        domainAccess: [{ domain: Domain.LLM, level: AccessLevel.READ_ONLY }],
      },
      {
        phase: TrustPhase.READ_ONLY,
        description: 'reads the cluster and every domain; findings are shown to humans',
        kubernetesRules: readRules,
        defaultAccess: AccessLevel.READ_ONLY,
        promotion: { minInvestigations: 25, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 7, requiredApprovals: 1 },
      },
      {
        phase: TrustPhase.LIMITED_WRITE,
        description: 'small, reversible remediation: delete a pod, scale a workload',
        kubernetesRules: limitedRules,
        defaultAccess: AccessLevel.LIMITED_WRITE,
        promotion: { minInvestigations: 50, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 14, requiredApprovals: 2 },
      },
      {
        phase: TrustPhase.AUTONOMOUS,
        description: 'acts without approval (scaling, autoscaling), still inside the denylist',
        kubernetesRules: autonomousRules,
        defaultAccess: AccessLevel.AUTONOMOUS,
        promotion: { minInvestigations: 100, minSuccessRate: 0.95, maxPolicyViolations: 0, minDays: 30, requiredApprovals: 2 },
        demotionTriggers: [DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT, DemotionTrigger.SUCCESS_RATE_DROP],
      },
    ]);
  }

  private readonly defs: PhaseDefinition[];

  /**
   * A ladder from phase definitions, lowest first. Construction never
   * throws; call `validate` (an `AgentFleet` does) to get every problem.
   */
  public constructor(phases: PhaseDefinition[]) {
    this.defs = [...phases];
  }

  /** The phases, lowest first. */
  public get phases(): TrustPhase[] {
    return this.defs.map(d => d.phase);
  }

  /** The phase definitions, lowest first (a copy). */
  public get definitions(): PhaseDefinition[] {
    return [...this.defs];
  }

  /** The lowest phase. */
  public get lowest(): TrustPhase {
    return this.defs[0].phase;
  }

  /** The highest phase. */
  public get highest(): TrustPhase {
    return this.defs[this.defs.length - 1].phase;
  }

  /** Position of a phase (0 = lowest), or -1 when the ladder does not hold it. */
  public rankOf(phase: TrustPhase): number {
    return this.defs.findIndex(d => d.phase.name === phase.name);
  }

  /** Whether the ladder holds a phase of that name. */
  public has(phase: TrustPhase): boolean {
    return this.rankOf(phase) >= 0;
  }

  /** A phase by name; throws, listing the phases, when the ladder does not hold it. */
  public phase(name: string): TrustPhase {
    return this.definitionNamed(name).phase;
  }

  /** Whether `phase` is at or below `ceiling` (false when either is not on the ladder). */
  public isAtOrBelow(phase: TrustPhase, ceiling: TrustPhase): boolean {
    const p = this.rankOf(phase);
    const c = this.rankOf(ceiling);
    return p >= 0 && c >= 0 && p <= c;
  }

  /** The phases at or below `ceiling`, lowest first. */
  public phasesUpTo(ceiling: TrustPhase): TrustPhase[] {
    const c = this.rankOf(ceiling);
    return this.phases.filter((_, i) => i <= c);
  }

  /** The phase directly below, or undefined for the lowest phase. */
  public previous(phase: TrustPhase): TrustPhase | undefined {
    const r = this.rankOf(phase);
    return r > 0 ? this.defs[r - 1].phase : undefined;
  }

  /** The definition of a phase; throws when the ladder does not hold it. */
  public definition(phase: TrustPhase): PhaseDefinition {
    return this.definitionNamed(phase.name);
  }

  private definitionNamed(name: string): PhaseDefinition {
    return InputRules.findByName(this.defs, d => d.phase.name, name, (n, names) => `unknown trust phase ${n}; this ladder has ${names}`);
  }

  /** The access level a phase has in a domain. */
  public accessFor(phase: TrustPhase, domain: Domain): AccessLevel {
    const def = this.definition(phase);
    const explicit = (def.domainAccess ?? []).find(a => a.domain.name === domain.name);
    return explicit?.level ?? def.defaultAccess ?? AccessLevel.NONE;
  }

  /** The demotion triggers of a phase (defaults applied). */
  public demotionTriggers(phase: TrustPhase): DemotionTrigger[] {
    return this.definition(phase).demotionTriggers ?? [DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT];
  }

  /**
   * Record every problem of the ladder: phase names, duplicates, the
   * denylist, missing promotion criteria, and phases that grant less than
   * the phase below (Kubernetes rules in `namespaces`, and access in `domains`).
   * @internal
   */
  public _validate(problems: ProblemCollector, path: string, domains: Domain[], namespaces: string[]): void {
    if (this.defs.length === 0) {
      problems.add(path, 'phases', [], 'a ladder needs at least one phase', 'use TrustLadder.standard() or list your phases');
      return;
    }
    const seen = new Set<string>();
    const denied = new Map<KubernetesRule, Array<[DenyRule, string[]]>>();
    this.defs.forEach((def, i) => {
      const p = `${path}/phases[${i}]`;
      const name = def.phase?.name;
      TrustNames._checkDnsLabel(problems, p, 'phase.name', name, TrustNames.MAX_PHASE_NAME);
      if (seen.has(name)) {
        problems.add(p, 'phase.name', name, 'is declared twice in this ladder', 'give every phase a distinct name');
      }
      seen.add(name);
      RbacDenylist._check(problems, p, 'kubernetesRules', def.kubernetesRules ?? [], def.allowDenied, denied);
      this.validateRules(problems, p, def.kubernetesRules ?? []);
      if (i > 0) {
        this.validatePromotion(problems, p, def);
      }
      (def.domainAccess ?? []).forEach((a, j) => {
        // A standard domain the fleet does not declare has no engine, so the
        // grant is empty (the standard ladder names LLM for shadow). A custom
        // name that matches nothing is most likely a typo.
        const standard = Domain.standard().some(d => d.name === a.domain.name);
        if (!standard && !domains.some(d => d.name === a.domain.name)) {
          problems.add(p, `domainAccess[${j}].domain`, a.domain.name, 'is not a domain of this fleet',
            `declare it in the fleet's domains or remove it; declared: ${domains.map(d => d.name).join(', ') || '(none)'}`);
        }
      });
    });
    this.validateMonotonic(problems, path, domains, namespaces);
  }

  private validateRules(problems: ProblemCollector, path: string, rules: KubernetesRule[]): void {
    rules.forEach((rule, i) => {
      for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
        const values = rule[field];
        if (!Array.isArray(values) || values.length === 0) {
          problems.add(path, `kubernetesRules[${i}].${field}`, values, 'must list at least one entry',
            field === 'apiGroups' ? 'use [""] for the core API group' : `name the ${field} explicitly`);
        }
      }
      if (rule.clusterScoped) {
        const writes = (rule.verbs ?? []).filter(v => !READ.includes(v));
        if (writes.length > 0) {
          problems.add(path, `kubernetesRules[${i}].verbs`, rule.verbs,
            'a cluster-scoped rule may only read (get, list, watch); writes stay namespaced',
            'drop clusterScoped so the rule becomes a Role in each target namespace, or keep only read verbs');
        }
      }
    });
  }

  private validatePromotion(problems: ProblemCollector, path: string, def: PhaseDefinition): void {
    const c = def.promotion;
    if (!c) {
      problems.add(path, 'promotion', undefined, `phase "${def.phase.name}" has no promotion criteria`,
        'set promotion: { minInvestigations, minSuccessRate, minDays, requiredApprovals }');
      return;
    }
    const counts: Array<[keyof PromotionCriteria, number | undefined]> = [
      ['minInvestigations', c.minInvestigations], ['minDays', c.minDays], ['requiredApprovals', c.requiredApprovals],
      ['maxPolicyViolations', c.maxPolicyViolations ?? 0],
    ];
    for (const [field, value] of counts) {
      if (value === undefined || !Number.isInteger(value) || value < 0) {
        problems.add(path, `promotion.${field}`, value, 'must be a whole number ≥ 0', 'use a count such as 25');
      }
    }
    if (typeof c.minSuccessRate !== 'number' || !(c.minSuccessRate >= 0 && c.minSuccessRate <= 1)) {
      problems.add(path, 'promotion.minSuccessRate', c.minSuccessRate, 'must be a share between 0 and 1',
        'write 90 % as 0.9');
    }
  }

  private validateMonotonic(problems: ProblemCollector, path: string, domains: Domain[], namespaces: string[]): void {
    // Namespace names do not matter for monotonicity; one stands for all.
    const scope = namespaces.length > 0 ? [namespaces[0]] : ['target'];
    let lowerDef: PhaseDefinition | undefined;
    this.defs.forEach((def, i) => {
      if (lowerDef) {
        const rules = def.kubernetesRules ?? [];
        const lowerRules = lowerDef.kubernetesRules ?? [];
        const missing = RuleCoverage.repeatsAll(rules, lowerRules) ? []
          : PermissionSet.fromRules(rules, scope).missing(PermissionSet.fromRules(lowerRules, scope)).map(m => m.replace(/^[^:]+: /, ''));
        if (missing.length > 0) {
          problems.add(`${path}/phases[${i}]`, 'kubernetesRules', def.phase.name,
            `grants less than the phase below ("${lowerDef.phase.name}"): missing ${missing.join('; ')}`,
            `add those permissions to "${def.phase.name}" (each phase must hold everything the phase below holds)`);
        }
        for (const domain of domains) {
          const here = this.accessFor(def.phase, domain);
          const below = this.accessFor(lowerDef.phase, domain);
          if (!here.includes(below)) {
            problems.add(`${path}/phases[${i}]`, `access(${domain.name})`, here.name,
              `is lower than "${below.name}" held by the phase below ("${lowerDef.phase.name}")`,
              `give "${def.phase.name}" at least "${below.name}" in domain "${domain.name}"`);
          }
        }
      }
      lowerDef = def;
    });
  }
}
