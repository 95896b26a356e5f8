import { Policy } from '@cdktf/provider-vault/lib/policy';
import { TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AgentFleet, SecretEngineKind, TrustPhase, VaultPathRule, VaultPolicyDocument } from '../model';
import { VaultDomainSecretEngine } from './vault-domain-secret-engine';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

/** Props of `TrustPhasePolicy`. */
export interface TrustPhasePolicyProps {
  /** The fleet. */
  readonly fleet: AgentFleet;
  /** The phase (must be on the fleet's ladder). */
  readonly phase: TrustPhase;
  /**
   * Extra paths, e.g. for an engine of a custom kind. Checked: nothing under
   * `sys/`, `identity/` or `auth/`, no `sudo`, wildcards only right below
   * one engine's credential path, and every phase must still grant all the
   * phase below grants.
   * @default - none
   */
  readonly additionalRules?: VaultPathRule[];
  /**
   * Whether the secrets engines of the fleet's domains are created outside
   * this stack. When false, synth fails if a domain the phase uses has no
   * `VaultDomainSecretEngine` in the stack (the policy would grant paths
   * nothing serves, or that someone else could mount later).
   * @default false
   */
  readonly enginesManagedElsewhere?: boolean;
}

/** Options of `TrustPhasePolicy.forFleet`. */
export interface TrustPhasePoliciesOptions {
  /**
   * See `TrustPhasePolicyProps.enginesManagedElsewhere`.
   * @default false
   */
  readonly enginesManagedElsewhere?: boolean;
}

const POLICY_SYMBOL = Symbol.for('cdk-agent-trust.TrustPhasePolicy');

/**
 * The Vault policy of one trust phase (`vault_policy` named
 * `agent-phase-<phase>`), rendered as JSON from the model's
 * `VaultPolicyDocument`: the capability each credential endpoint needs on
 * exactly the credential paths of the phase's access level (and the levels
 * below) in each domain, plus the token's own lookup, renew and revoke;
 * nothing under `sys/`.
 *
 * Synth fails when the phase would grant less than the policy of the phase
 * below it in the same stack, when a domain it uses has no engine in the
 * stack, or when two policies exist for one phase.
 */
export class TrustPhasePolicy extends Construct {
  /** One policy per rendered phase of the fleet (`fleet.renderedPhases`), lowest first, as children `Policy-<phase>` of `scope`. */
  public static forFleet(scope: Construct, fleet: AgentFleet, options: TrustPhasePoliciesOptions = {}): TrustPhasePolicy[] {
    return fleet.renderedPhases.map(phase => new TrustPhasePolicy(scope, `Policy-${phase.name}`, {
      fleet, phase, enginesManagedElsewhere: options.enginesManagedElsewhere,
    }));
  }

  /** Whether `x` is a TrustPhasePolicy (works across copies of the library). */
  public static isTrustPhasePolicy(x: any): boolean {
    return x !== null && typeof x === 'object' && POLICY_SYMBOL in x;
  }

  /** The TrustPhasePolicy constructs of `fleet` in a stack. */
  public static inStack(stack: TerraformStack, fleet: AgentFleet): TrustPhasePolicy[] {
    return TrustPhasePolicy.ofFleet(stack.node.findAll(), fleet);
  }

  private static ofFleet(constructs: IConstruct[], fleet: AgentFleet): TrustPhasePolicy[] {
    return constructs.filter(c => TrustPhasePolicy.isTrustPhasePolicy(c) && (c as TrustPhasePolicy).fleet === fleet) as TrustPhasePolicy[];
  }

  /** The fleet. */
  public readonly fleet: AgentFleet;
  /** The phase. */
  public readonly phase: TrustPhase;
  /** The policy content. */
  public readonly document: VaultPolicyDocument;
  /** The `vault_policy` resource. */
  public readonly policy: Policy;

  private readonly enginesManagedElsewhere: boolean;

  public constructor(scope: Construct, id: string, props: TrustPhasePolicyProps) {
    super(scope, id);
    Object.defineProperty(this, POLICY_SYMBOL, { value: true });
    const problems = new ProblemCollector();
    const path = this.node.path;
    this.fleet = props.fleet;
    this.phase = props.phase;
    this.enginesManagedElsewhere = props.enginesManagedElsewhere ?? false;
    FleetChecks.requirePhaseOf(path, props.fleet, props.phase);
    this.document = VaultPolicyDocument.forPhase(props.fleet, props.phase, props.additionalRules);
    this.document._check(problems, path, props.fleet);
    problems.throwIfAny(path);
    this.policy = new Policy(this, 'Resource', {
      name: this.document.name,
      policy: JSON.stringify(this.document.toJson(), undefined, 2),
    });
    this.node.addValidation({ validate: () => this.validateInStack() });
  }

  /** The policy name (`agent-phase-<phase>`). */
  public get policyName(): string {
    return this.document.name;
  }

  private validateInStack(): string[] {
    const problems = new ProblemCollector();
    const path = this.node.path;
    const stack = TerraformStack.of(this);
    // One walk of the stack for the three questions below (every phase policy asks them).
    const all = stack.node.findAll();
    const siblings = TrustPhasePolicy.ofFleet(all, this.fleet);
    const same = siblings.filter(s => s.phase.name === this.phase.name);
    if (same.length > 1) {
      problems.add(path, 'phase', this.phase.name, `has ${same.length} policies in this stack (${same.map(s => s.node.path).join(', ')}); Vault keeps only one per name`,
        'create one TrustPhasePolicy per phase');
    }
    // Policy names are global in Vault: another fleet's (or a hand-written) policy of the same name would overwrite this one.
    for (const c of all) {
      if (c instanceof TerraformResource && c !== this.policy && c.terraformResourceType === 'vault_policy'
        && (c as Policy).nameInput === this.document.name && !same.some(s => s.policy === c)) {
        problems.add(path, 'name', this.document.name, `is also the name of the vault_policy at ${c.node.path}; Vault keeps one policy per name`,
          this.fleet.vaultPrefix === undefined
            ? 'give every fleet on this Vault its own names: vaultNaming: VaultNaming.fleetScoped() in each AgentFleet (README, "Many fleets on one Vault")'
            : 'give each fleet on this Vault its own prefix: vaultNaming: VaultNaming.fleetScoped({ prefix: \'<team>\' })');
      }
    }
    const belowPhase = this.fleet.ladder.previous(this.phase);
    const below = belowPhase && siblings.find(s => s.phase.name === belowPhase.name);
    if (below) {
      const missing = this.document.missing(below.document);
      if (missing.length > 0) {
        problems.add(path, 'paths', this.phase.name,
          `grants fewer paths than the phase below ("${below.phase.name}"): missing ${missing.join('; ')}`,
          `grant those paths to "${this.phase.name}" too (additionalRules): each phase holds everything the phase below holds`);
      }
    }
    if (!this.enginesManagedElsewhere) {
      // Matched by mount path and kind, not by object identity: an equal fleet declared twice still finds its engines.
      const engines = all.filter(c => VaultDomainSecretEngine.isVaultDomainSecretEngine(c)) as VaultDomainSecretEngine[];
      for (const d of this.fleet.domainsOf(this.phase)) {
        if (!SecretEngineKind.all().includes(d.engine)) {
          continue; // a custom kind: the user brings its mount and roles
        }
        const engine = engines.find(e => e.mountPath === d.mountPath && e.kind === d.engine);
        const levels = this.fleet.ladder.accessFor(this.phase, d.domain).grantedLevels();
        if (!engine) {
          problems.add(path, `engines(${d.domain.name})`, d.mountPath,
            `phase "${this.phase.name}" is granted ${levels.map(l => d.engine.credentialPath(d.mountPath, l.name)).join(', ')} but no VaultDomainSecretEngine serves domain "${d.domain.name}" in this stack`,
            'create it (AgentVaultTrust creates one per domain), or set enginesManagedElsewhere: true if another stack owns it');
          continue;
        }
        const missing = levels.filter(l => !engine.levels.some(e => e.name === l.name));
        if (missing.length > 0) {
          problems.add(path, `engines(${d.domain.name})`, engine.roleNames,
            `has no credential role for level(s) ${missing.map(l => l.name).join(', ')} that phase "${this.phase.name}" may request`,
            `add roles for ${missing.map(l => l.name).join(', ')} to ${engine.node.path}`);
        }
      }
    }
    return problems.toMessages();
  }
}
