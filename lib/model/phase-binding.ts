import type { AgentFleet } from './agent-fleet';
import { EgressTarget } from './egress-target';
import { TrustNames } from './trust-names';
import { TrustPhase } from './trust-phase';

/**
 * Everything both halves and the checker need to know about one trust
 * phase of a fleet, computed in one place: the ServiceAccount the phase's
 * Jobs run as, the Vault role that ServiceAccount logs in with, the policy
 * the role's tokens carry, the auth mounts, the token audience and TTLs,
 * the credential paths the policy grants, and the network the phase may
 * reach. `AgentVaultAuth`, `TrustPhasePolicy`, `PhaseServiceAccount`,
 * `PhaseNetworkPolicy` and the launcher contract render it; none of them
 * derives a name, a mount or a TTL of its own.
 *
 * Get one from the fleet (`AgentFleet.phaseBindings`, `AgentFleet.bindingOf(phase)`).
 */
export class PhaseBinding {
  /**
   * The Vault role name of a phase of a fleet, which also names its policy
   * (`policyOfRole`). The one place these names are made: `agent-phase-<phase>`,
   * equal to the ServiceAccount on purpose, so a reviewer reads one name per phase;
   * `<prefix>-agent-phase-<phase>` when the fleet's Vault names are fleet-scoped
   * (`VaultNaming.fleetScoped`), so fleets sharing a Vault never share a name.
   */
  private static vaultNameOf(fleet: AgentFleet, phase: TrustPhase): string {
    return TrustNames.vaultRole(phase.name, fleet.vaultPrefix);
  }

  /**
   * The Vault policy of the phase whose role is `vaultRole`: the same name.
   * The checker reads only the role from a launcher contract and finds the
   * policy with this.
   */
  public static policyOfRole(vaultRole: string): string {
    return vaultRole;
  }

  /** The phase. */
  public readonly phase: TrustPhase;
  /** ServiceAccount the phase's Jobs run as: `agent-phase-<phase>`. */
  public readonly serviceAccount: string;
  /** Namespace of the ServiceAccount (the fleet's agent namespace). */
  public readonly namespace: string;
  /** Vault role of the phase, on the Kubernetes auth mount (and on the JWT mount with per-investigation identity). */
  public readonly vaultRole: string;
  /** Vault policy of the phase: the only policy its tokens carry. */
  public readonly vaultPolicy: string;
  /** Path of the Kubernetes auth mount the role lives on (without `auth/`). */
  public readonly authMountPath: string;
  /**
   * Path of the JWT auth mount agents log in through for per-investigation
   * identity (without `auth/`), when the fleet declares one.
   * @default - none: agents log in through `authMountPath`
   */
  public readonly jwtAuthMountPath?: string;
  /** Audience of the projected token the agent logs in with; the roles require exactly this. */
  public readonly audience: string;
  /** `token_ttl` of the role, in seconds: the fleet's `vaultTokenTtl`; the agent renews it. */
  public readonly tokenTtlSeconds: number;
  /** `token_explicit_max_ttl` of the role, in seconds: Job deadline + margin, the end of any renewal. */
  public readonly tokenMaxTtlSeconds: number;
  /**
   * Where the phase's agents reach the Kubernetes API (an API token in the
   * pod and egress to this target), when the fleet gives them access.
   * @default - none: the phase's RBAC exists but agents cannot reach the API server
   */
  public readonly kubernetesApi?: EgressTarget;

  private readonly paths: string[];
  private readonly targets: EgressTarget[];

  /**
   * The binding of `phase` in `fleet`; throws, listing the phases, when
   * the fleet's ladder does not hold it. Prefer `fleet.bindingOf(phase)`,
   * which builds each binding once.
   */
  public constructor(fleet: AgentFleet, phase: TrustPhase) {
    if (!fleet.ladder.has(phase)) {
      throw new Error(`unknown trust phase ${JSON.stringify(phase?.name)}; this fleet has ${fleet.ladder.phases.join(', ')}`);
    }
    this.phase = phase;
    this.serviceAccount = TrustNames.serviceAccount(phase.name);
    this.namespace = fleet.namespace;
    this.vaultRole = PhaseBinding.vaultNameOf(fleet, phase);
    this.vaultPolicy = PhaseBinding.policyOfRole(this.vaultRole);
    this.authMountPath = fleet.vaultAuthMountPath;
    this.jwtAuthMountPath = fleet.investigationIdentityMountPath;
    this.audience = TrustNames.VAULT_AUDIENCE;
    this.tokenTtlSeconds = fleet.tokenTtlSeconds;
    this.tokenMaxTtlSeconds = fleet.tokenMaxTtlSeconds;
    this.paths = fleet.credentialPaths(phase);
    this.targets = fleet.egressOf(phase);
    this.kubernetesApi = fleet.kubernetesApi;
  }

  /** The Vault credential paths the phase's policy grants, over every domain, sorted (a copy). */
  public get credentialPaths(): string[] {
    return [...this.paths];
  }

  /** The egress targets of the phase: Vault, then the endpoints of every domain it may use (a copy). */
  public get egress(): EgressTarget[] {
    return [...this.targets];
  }

  /**
   * The auth mount agents of the phase log in through: the JWT mount with
   * per-investigation identity (same role name, same projected token, so
   * Vault's audit log names the pod), else the Kubernetes auth mount.
   */
  public get loginMountPath(): string {
    return this.jwtAuthMountPath ?? this.authMountPath;
  }

  /** The auth method of `loginMountPath`: `jwt` or `kubernetes`. */
  public get loginMethod(): string {
    return this.jwtAuthMountPath !== undefined ? 'jwt' : 'kubernetes';
  }

  /** The subject of the phase's projected tokens (`system:serviceaccount:<namespace>:<serviceAccount>`). */
  public get tokenSubject(): string {
    return `system:serviceaccount:${this.namespace}:${this.serviceAccount}`;
  }
}
