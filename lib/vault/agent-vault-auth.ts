import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AgentFleet, PhaseBinding, TrustNames, TrustPhase } from '../model';
import { SecretInput } from './private/secret-input';
import { VaultTokenType } from './vault-token-type';
import { InputRules } from '../model/private/input-rules';
import { StackMounts } from './private/stack-mounts';
import { ProblemCollector } from '../model/private/problem-collector';

/**
 * Optional per-investigation identity: a JWT auth mount that validates the
 * pod's projected service-account token against the cluster's issuer and
 * copies the pod name (which carries the Job name, `investigation-<id>`)
 * and pod uid into the token's metadata, so Vault's audit log attributes
 * every request to one investigation.
 *
 * Trade-off: unlike Kubernetes auth, JWT auth does not call the TokenReview
 * API; it only checks the signature and claims. A token of a deleted pod
 * stays valid until it expires, so keep the projected token short-lived
 * (Kubernetes' minimum is 600 s) — the Job template does.
 * Exactly one of `oidcDiscoveryUrl`, `jwksUrl`, `jwtValidationPubkeys` must be set.
 * @see https://developer.hashicorp.com/vault/docs/auth/jwt/oidc-providers/kubernetes
 */
export interface InvestigationIdentityOptions {
  /**
   * The cluster's OIDC discovery URL (its service-account issuer), e.g. `https://kubernetes.default.svc.cluster.local`.
   * @default - none
   */
  readonly oidcDiscoveryUrl?: string;
  /**
   * CA certificate (PEM) to trust for `oidcDiscoveryUrl`.
   * @default - system CAs
   */
  readonly oidcDiscoveryCaPem?: string;
  /**
   * JWKS URL of the cluster (`/openid/v1/jwks`), when discovery is not reachable.
   * @default - none
   */
  readonly jwksUrl?: string;
  /**
   * CA certificate (PEM) to trust for `jwksUrl`.
   * @default - system CAs
   */
  readonly jwksCaPem?: string;
  /**
   * Public keys (PEM) of the service-account signer, for clusters whose issuer Vault cannot reach.
   * @default - none
   */
  readonly jwtValidationPubkeys?: string[];
  /**
   * Expected `iss` claim.
   * @default - not checked beyond discovery (required with `jwtValidationPubkeys`)
   */
  readonly boundIssuer?: string;
}

/** Props of `AgentVaultAuth`. */
export interface AgentVaultAuthProps {
  /** The fleet: gives the auth mount, phases, namespace, TTLs and names. */
  readonly fleet: AgentFleet;
  /** API server URL as Vault reaches it (for TokenReview), e.g. `https://kubernetes.default.svc`. */
  readonly kubernetesHost: string;
  /**
   * PEM CA certificate of the API server (public).
   * @default - Vault's local service-account CA (Vault running in the cluster)
   */
  readonly kubernetesCaCert?: string;
  /**
   * JWT Vault uses to call TokenReview: a sensitive TerraformVariable
   * (the provider has no write-only variant; it reaches the Terraform state).
   * @default - none: Vault uses its own pod's token (`disable_local_ca_jwt = false`) in cluster, or the logging-in client's JWT outside
   */
  readonly tokenReviewerJwt?: TerraformVariable;
  /**
   * Token type issued to agents. Batch tokens can be neither renewed nor
   * revoked, so they need the fleet's `vaultTokenTtl` to cover the whole
   * Job deadline (synth fails otherwise).
   * @default VaultTokenType.SERVICE - renewable and revocable, so an agent ends every lease at once with revoke-self
   */
  readonly tokenType?: VaultTokenType;
  /**
   * Per-investigation identity through JWT auth (recommended; the seed's authors would add it).
   * @default - none: Kubernetes auth only, so all investigations of a phase share one Vault entity
   */
  readonly investigationIdentity?: InvestigationIdentityOptions;
  /**
   * CIDRs the agents' Vault tokens may be used from (`token_bound_cidrs` on
   * every phase role, Kubernetes and JWT): e.g. the pod CIDR of the nodes
   * that run investigations, so a stolen token is useless elsewhere.
   * @default - none: tokens are not bound to a network
   */
  readonly tokenBoundCidrs?: string[];
}

const AUTH_SYMBOL = Symbol.for('cdk-agent-trust.AgentVaultAuth');

/**
 * How agents log in to Vault: a Kubernetes auth mount at the fleet's auth
 * path and, per trust phase, a role `agent-phase-<phase>` bound to exactly
 * the ServiceAccount `agent-phase-<phase>` in the agent namespace, audience
 * `vault`, a short token TTL (the fleet's `vaultTokenTtl`, 5 minutes by
 * default) the agent renews up to the explicit max TTL = deadline + margin,
 * that phase's policy only and no default policy. Aliases are keyed on the
 * ServiceAccount uid so a recreated account with the same name is a new
 * identity.
 *
 * Synth fails when a phase has no `vault_policy` of its name in the same stack (`TrustPhasePolicy.forFleet` creates them).
 */
export class AgentVaultAuth extends Construct {
  /** JSON pointer of the pod-name claim of a projected ServiceAccount token, bound to `investigation-*` on the JWT roles. */
  public static readonly POD_NAME_CLAIM = '/kubernetes.io/pod/name';

  /** Whether `x` is an AgentVaultAuth (works across copies of the library). */
  public static isAgentVaultAuth(x: any): boolean {
    return x !== null && typeof x === 'object' && AUTH_SYMBOL in x;
  }

  /** The fleet. */
  public readonly fleet: AgentFleet;
  /** The Kubernetes auth mount. */
  public readonly backend: AuthBackend;
  /** Its configuration. */
  public readonly config: KubernetesAuthBackendConfig;
  /** One role per phase, lowest first. */
  public readonly roles: KubernetesAuthBackendRole[];
  /** The phase bindings the roles render (`fleet.phaseBindings`), lowest phase first. */
  public readonly bindings: PhaseBinding[];
  /** The JWT auth mount, when per-investigation identity is on. */
  public readonly jwtBackend?: JwtAuthBackend;
  /** The JWT roles, one per phase, when per-investigation identity is on. */
  public readonly jwtRoles: JwtAuthBackendRole[];
  /** Token type of every role. */
  public readonly tokenType: VaultTokenType;

  public constructor(scope: Construct, id: string, props: AgentVaultAuthProps) {
    super(scope, id);
    Object.defineProperty(this, AUTH_SYMBOL, { value: true });
    const fleet = props.fleet;
    this.fleet = fleet;
    this.tokenType = props.tokenType ?? VaultTokenType.SERVICE;
    const problems = new ProblemCollector();
    const path = this.node.path;
    if (!InputRules.isUrl(props.kubernetesHost, 'https')) {
      problems.add(path, 'kubernetesHost', props.kubernetesHost, 'is not an https URL without credentials',
        'use e.g. "https://kubernetes.default.svc"');
    }
    AgentVaultAuth.checkPublicPem(problems, path, 'kubernetesCaCert', props.kubernetesCaCert);
    SecretInput.check(problems, path, 'tokenReviewerJwt', props.tokenReviewerJwt);
    this.bindings = fleet.phaseBindings;
    // Every phase has the fleet's TTLs and mounts: the first binding speaks for all.
    const first = this.bindings[0];
    if (this.tokenType === VaultTokenType.BATCH && first.tokenTtlSeconds < fleet.jobDeadline.toSeconds()) {
      problems.add(path, 'tokenType', this.tokenType.value,
        `issues tokens that cannot be renewed, so they (and every lease under them) would expire after the fleet's vaultTokenTtl (${first.tokenTtlSeconds}s), before the Job deadline (${fleet.jobDeadline.toSeconds()}s)`,
        'use VaultTokenType.SERVICE (renewable and revocable), or set the AgentFleet vaultTokenTtl to the jobDeadline');
    }
    const identity = props.investigationIdentity;
    // The mount path lives in the fleet, so the Job template sends agents to it.
    const jwtMount = first.jwtAuthMountPath;
    if (identity) {
      this.checkIdentity(problems, path, identity);
      if (jwtMount === undefined) {
        problems.add(path, 'investigationIdentity', 'set',
          'is configured but the fleet declares no vault.investigationIdentityMountPath, so Job templates would send agents to the Kubernetes auth mount and the per-investigation identity would go unused',
          'declare vault: { address, investigationIdentityMountPath: \'jwt-agents\' } in the AgentFleet');
      }
    } else if (jwtMount !== undefined) {
      problems.add(path, 'fleet.investigationIdentityMountPath', jwtMount,
        'is declared, so agents log in there, but investigationIdentity is not configured: no JWT auth mount would exist',
        'set investigationIdentity: { oidcDiscoveryUrl: \'https://kubernetes.default.svc.cluster.local\' } (the cluster issuer)');
    }
    const cidrs = [...(props.tokenBoundCidrs ?? [])];
    cidrs.forEach((c, i) => {
      const cidr = InputRules.parseIpv4Cidr(String(c));
      if (!cidr) {
        problems.add(path, `tokenBoundCidrs[${i}]`, c, 'is not an IPv4 CIDR', 'use e.g. "10.244.0.0/16" (the pod CIDR)');
      } else if (cidr[1] === 0) {
        problems.add(path, `tokenBoundCidrs[${i}]`, c, 'binds the token to every address', 'name the pod CIDR, e.g. "10.244.0.0/16"');
      }
    });
    const bound = cidrs.length > 0 ? { tokenBoundCidrs: cidrs } : {};
    problems.throwIfAny(path);

    this.backend = new AuthBackend(this, 'Resource', {
      type: 'kubernetes',
      path: first.authMountPath,
      description: `cdk-agent-trust: agent logins from namespace "${fleet.namespace}"`,
    });
    // One reference for every resource on the mount: cdktf records a whole stack trace per reference.
    const backend = this.backend.path;
    this.config = new KubernetesAuthBackendConfig(this, 'Config', {
      backend,
      kubernetesHost: props.kubernetesHost,
      ...(props.kubernetesCaCert ? { kubernetesCaCert: props.kubernetesCaCert } : {}),
      ...(props.tokenReviewerJwt ? { tokenReviewerJwt: props.tokenReviewerJwt.stringValue } : {}),
      disableLocalCaJwt: false,
    });
    // token_ttl + token_explicit_max_ttl, not token_period: a periodic token
    // has no end of its own (renewed within each period it lives forever
    // unless an explicit max is set as well) and its period replaces the TTL
    // the mount and system limits would otherwise cap. A short TTL with an
    // explicit max is renewable but ends at deadline + margin whatever the
    // agent does, and no mount or system tuning can lengthen it.
    // token_max_ttl stays unset: the explicit max is stricter and is what
    // `agent-trust verify` checks.
    // Both auth methods issue the same tokens: short, renewable, ended at deadline + margin, the phase policy only.
    const tokenFields = (b: PhaseBinding) => ({
      tokenTtl: b.tokenTtlSeconds,
      tokenExplicitMaxTtl: b.tokenMaxTtlSeconds,
      tokenPolicies: [b.vaultPolicy],
      tokenNoDefaultPolicy: true,
      tokenType: this.tokenType.value,
      ...bound,
    });
    this.roles = [];
    for (const b of this.bindings) {
      this.roles.push(new KubernetesAuthBackendRole(this, b.phase.name, {
        backend,
        roleName: b.vaultRole,
        boundServiceAccountNames: [b.serviceAccount],
        boundServiceAccountNamespaces: [b.namespace],
        audience: b.audience,
        aliasNameSource: 'serviceaccount_uid',
        ...tokenFields(b),
      }));
    }

    this.jwtRoles = [];
    if (identity && jwtMount !== undefined) {
      this.jwtBackend = new JwtAuthBackend(this, 'Jwt', {
        type: 'jwt',
        path: jwtMount,
        description: `cdk-agent-trust: per-investigation agent identity for namespace "${fleet.namespace}"`,
        ...(identity.oidcDiscoveryUrl ? { oidcDiscoveryUrl: identity.oidcDiscoveryUrl } : {}),
        ...(identity.oidcDiscoveryCaPem ? { oidcDiscoveryCaPem: identity.oidcDiscoveryCaPem } : {}),
        ...(identity.jwksUrl ? { jwksUrl: identity.jwksUrl } : {}),
        ...(identity.jwksCaPem ? { jwksCaPem: identity.jwksCaPem } : {}),
        ...(identity.jwtValidationPubkeys ? { jwtValidationPubkeys: [...identity.jwtValidationPubkeys] } : {}),
        // The iss claim is checked even with discovery: a Kubernetes issuer is its discovery URL.
        ...(identity.boundIssuer ?? identity.oidcDiscoveryUrl ? { boundIssuer: identity.boundIssuer ?? identity.oidcDiscoveryUrl } : {}),
      });
      const jwtBackend = this.jwtBackend.path;
      for (const b of this.bindings) {
        this.jwtRoles.push(new JwtAuthBackendRole(this, `Jwt-${b.phase.name}`, {
          backend: jwtBackend,
          roleName: b.vaultRole,
          roleType: 'jwt',
          boundAudiences: [b.audience],
          // The projected token's subject names exactly one ServiceAccount, and
          // its pod claim an investigation Pod (glob; the subject has no glob
          // characters, so it still matches exactly).
          boundClaims: {
            'sub': b.tokenSubject,
            [AgentVaultAuth.POD_NAME_CLAIM]: `${TrustNames.JOB_PREFIX}*`,
          },
          boundClaimsType: 'glob',
          userClaim: 'sub',
          // Token metadata is written to every audit entry: pod name = `investigation-<id>-<suffix>`.
          claimMappings: {
            '/kubernetes.io/pod/name': 'pod_name',
            '/kubernetes.io/pod/uid': 'pod_uid',
            '/kubernetes.io/namespace': 'namespace',
            '/kubernetes.io/serviceaccount/name': 'service_account_name',
          },
          ...tokenFields(b),
        }));
      }
    }

    this.node.addValidation({ validate: () => [...this.missingPolicies(), ...this.mountCollisions(), ...this.prefixCollisions()] });
  }

  /** The binding of a phase (`fleet.bindingOf`); throws, listing the phases, when the fleet's ladder does not hold it. */
  public bindingFor(phase: TrustPhase): PhaseBinding {
    return this.fleet.bindingOf(phase);
  }

  /** The Kubernetes auth role of a phase. */
  public roleFor(phase: TrustPhase): KubernetesAuthBackendRole {
    return this.roles[this.bindings.indexOf(this.bindingFor(phase))];
  }

  private static checkPublicPem(problems: ProblemCollector, path: string, field: string, pem: string | undefined): void {
    if (pem !== undefined && /PRIVATE KEY/.test(pem)) {
      problems.add(path, field, '(a PEM private key, not shown)', 'holds a private key; only public certificates belong here',
        'pass the CA certificate (BEGIN CERTIFICATE)');
    }
  }

  private checkIdentity(problems: ProblemCollector, path: string, identity: InvestigationIdentityOptions): void {
    const sources = [identity.oidcDiscoveryUrl, identity.jwksUrl, identity.jwtValidationPubkeys].filter(s => s !== undefined);
    if (sources.length !== 1) {
      problems.add(path, 'investigationIdentity', `${sources.length} key sources`,
        'needs exactly one of oidcDiscoveryUrl, jwksUrl, jwtValidationPubkeys',
        'point Vault at the cluster issuer, e.g. oidcDiscoveryUrl: "https://kubernetes.default.svc.cluster.local"');
    }
    for (const [field, url] of [['oidcDiscoveryUrl', identity.oidcDiscoveryUrl], ['jwksUrl', identity.jwksUrl]] as const) {
      if (url !== undefined && !InputRules.isUrl(url, 'https')) {
        problems.add(path, `investigationIdentity.${field}`, url, 'is not an https URL without credentials',
          'use e.g. "https://kubernetes.default.svc.cluster.local"');
      }
    }
    if (identity.jwtValidationPubkeys && !identity.boundIssuer) {
      problems.add(path, 'investigationIdentity.boundIssuer', undefined, 'is required with jwtValidationPubkeys',
        'set the cluster\'s service-account issuer, e.g. "https://kubernetes.default.svc.cluster.local"');
    }
    AgentVaultAuth.checkPublicPem(problems, path, 'investigationIdentity.oidcDiscoveryCaPem', identity.oidcDiscoveryCaPem);
    AgentVaultAuth.checkPublicPem(problems, path, 'investigationIdentity.jwksCaPem', identity.jwksCaPem);
    (identity.jwtValidationPubkeys ?? []).forEach((k, i) =>
      AgentVaultAuth.checkPublicPem(problems, path, `investigationIdentity.jwtValidationPubkeys[${i}]`, k));
  }

  /** A problem for every other auth mount of the stack at the same or a nested path as one of ours (e.g. a second fleet on the default mount). */
  private mountCollisions(): string[] {
    const problems = new ProblemCollector();
    const ours = [this.backend, ...(this.jwtBackend ? [this.jwtBackend] : [])].map(r => ({ resource: r, path: (r as any).pathInput as string }));
    for (const c of StackMounts.collisions(this, ['vault_auth_backend', 'vault_jwt_auth_backend'], ours)) {
      problems.add(this.node.path, c.ours.resource === this.backend ? 'fleet.vaultAuthMountPath' : 'fleet.investigationIdentityMountPath', c.ours.path,
        `collides with the ${c.resource.terraformResourceType} at "${c.path}" (${c.resource.node.path}): auth mounts may not be equal or nested`,
        'give each fleet its own auth mounts: vaultNaming: VaultNaming.fleetScoped() in each AgentFleet (or distinct vault.authMountPath and vault.investigationIdentityMountPath)');
    }
    return problems.toMessages();
  }

  /**
   * Conflicts between the fleets of the stack (`AgentFleet.checkTogether`:
   * two fleets with one Vault prefix, a target namespace two fleets claim
   * in one cluster), reported once, by the stack's first AgentVaultAuth.
   * Unscoped fleets collide by policy and mount name and are reported there.
   */
  private prefixCollisions(): string[] {
    const auths = TerraformStack.of(this).node.findAll().filter(c => AgentVaultAuth.isAgentVaultAuth(c)) as AgentVaultAuth[];
    if (auths[0] !== this) {
      return [];
    }
    const problems = new ProblemCollector();
    AgentFleet._checkTogether(problems, TerraformStack.of(this).node.path, auths.map(a => a.fleet));
    return problems.toMessages();
  }

  /** A problem for every phase whose role names a policy no `vault_policy` of the stack defines. */
  private missingPolicies(): string[] {
    const problems = new ProblemCollector();
    // Any vault_policy of that name counts (policy names are global in Vault); ours are checked by TrustPhasePolicy itself.
    const names = TerraformStack.of(this).node.findAll()
      .filter(c => c instanceof TerraformResource && c.terraformResourceType === 'vault_policy')
      .map(c => (c as any).nameInput);
    for (const b of this.bindings) {
      if (!names.includes(b.vaultPolicy)) {
        problems.add(this.node.path, `roles[${b.phase.name}].token_policies`, [b.vaultPolicy],
          `phase "${b.phase.name}" has no Vault policy in this stack: its agents would log in with no permissions, or with whatever a later policy of that name grants`,
          'create the policies with TrustPhasePolicy.forFleet(scope, fleet) (AgentVaultTrust does this)');
      }
    }
    return problems.toMessages();
  }
}
