import { AccessLevel } from './access-level';
import { AgentCluster } from './agent-cluster';
import { Domain } from './domain';
import { TrustDuration } from './trust-duration';
import { EgressTarget, EgressProtocol } from './egress-target';
import { HostnameEnforcement } from './hostname-enforcement';
import { TrustNames } from './trust-names';
import { VaultNaming } from './vault-naming';
import { PhaseBinding } from './phase-binding';
import { PhaseHostnames } from './phase-hostnames';
import { SecretEngineKind } from './secret-engine-kind';
import { TrustLadder } from './trust-ladder';
import { TrustPhase } from './trust-phase';
import { ValidationProblem } from './validation';
import { ProtectedNamespace, TargetNamespaceRules } from './target-namespace-rules';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

/** One agent of the fleet. */
export interface AgentSpec {
  /** Agent name: a DNS label, used in labels, the template ConfigMap and reports. */
  readonly name: string;
  /** Container image, pinned by tag or digest (`registry/repo:tag` or `…@sha256:…`). */
  readonly image: string;
  /**
   * The highest phase this agent may run in now; raising it is a promotion.
   * @default - the lowest phase of the ladder
   */
  readonly ceiling?: TrustPhase;
}

/** One infrastructure domain of the fleet and how it is served. */
export interface DomainSpec {
  /** The domain. */
  readonly domain: Domain;
  /**
   * The secrets engine serving it.
   * @default - the domain's default engine (`domain.defaultEngine`)
   */
  readonly engine?: SecretEngineKind;
  /**
   * Vault mount path of the engine.
   * @default - `agents/<domain>` (`agents-<prefix>/<domain>` with `VaultNaming.fleetScoped`)
   */
  readonly mountPath?: string;
  /**
   * Endpoints of the domain agents may reach, once a phase has access to it.
   * @default - none: credentials only, no direct network access
   */
  readonly egress?: EgressTarget[];
}

/** Where agents reach Vault. */
export interface VaultEndpoint {
  /** Vault address as agents see it, e.g. `https://vault.vault.svc:8200`. */
  readonly address: string;
  /**
   * Path of the Kubernetes auth mount agents log in through (without `auth/`).
   * @default "kubernetes-agents" (`kubernetes-<prefix>` with `VaultNaming.fleetScoped`)
   */
  readonly authMountPath?: string;
  /**
   * Path of a JWT auth mount (without `auth/`) agents log in through for
   * per-investigation identity: the login is bound to the pod's claims, so
   * Vault's audit log names the investigation. The Vault side
   * (`AgentVaultAuth.investigationIdentity`) creates it at this path; the Job
   * template tells the agent to use it.
   * @default - agents log in through the Kubernetes auth mount (one identity per phase)
   */
  readonly investigationIdentityMountPath?: string;
  /**
   * Network target of Vault for the egress policy.
   * @default - pods labelled `app.kubernetes.io/name=vault` in namespace `vault`, port 8200
   */
  readonly egress?: EgressTarget;
}

/** Declaration of an agent fleet: the one source both synth targets render. */
export interface AgentFleetProps {
  /**
   * Namespace the investigation Jobs run in.
   * @default "agents"
   */
  readonly namespace?: string;
  /** Namespaces the agents investigate and act on. */
  readonly targetNamespaces: string[];
  /** The agents. */
  readonly agents: AgentSpec[];
  /**
   * The trust ladder.
   * @default TrustLadder.standard()
   */
  readonly ladder?: TrustLadder;
  /**
   * The domains agents get credentials in.
   * @default - the five standard domains with their default engines and no egress endpoints
   */
  readonly domains?: DomainSpec[];
  /**
   * Deadline of every investigation Job (`activeDeadlineSeconds`); also the
   * default TTL of credential leases and, plus `ttlMargin`, the longest any
   * agent Vault token may be renewed to.
   * @default TrustDuration.minutes(15)
   */
  readonly jobDeadline?: TrustDuration;
  /**
   * How far a Vault token or lease may outlive the Job deadline (token
   * `token_explicit_max_ttl` and lease max TTL = deadline + margin).
   * @default TrustDuration.minutes(1)
   */
  readonly ttlMargin?: TrustDuration;
  /**
   * TTL of every agent Vault token (`token_ttl` of the phase roles). The
   * agent renews its token every half of it (`VAULT_TOKEN_RENEW_INTERVAL`)
   * up to `token_explicit_max_ttl` = deadline + margin and revokes it on
   * exit (`VAULT_REVOKE_ON_EXIT`), so a token, and every lease under it,
   * outlives a finished investigation by at most this TTL even when the
   * agent crashes before it can revoke. Whole seconds, at least 2 s, at
   * most the Job deadline.
   * @default - 5 minutes, or the Job deadline when that is shorter
   */
  readonly vaultTokenTtl?: TrustDuration;
  /**
   * How many investigations may run at once (`count/jobs.batch` quota).
   * @default 10
   */
  readonly maxConcurrentInvestigations?: number;
  /**
   * Vault as agents reach it.
   * @default - address `https://vault.vault.svc:8200`, auth mount `kubernetes-agents`
   */
  readonly vault?: VaultEndpoint;
  /**
   * Where agent pods reach the Kubernetes API server (its endpoint IPs and
   * port, as NetworkPolicies see them after Service translation). When set,
   * every investigation pod gets a short-lived projected API token and every
   * phase may reach this target, so agents can use their phase's RBAC.
   * @default - agents cannot reach the Kubernetes API: the phase RBAC exists but is unusable
   */
  readonly kubernetesApi?: EgressTarget;
  /**
   * Registries (prefixes such as `registry.example.com/agents/`) images may come from; enforced at admission.
   * @default - the registry host of each agent's image
   */
  readonly allowedRegistries?: string[];
  /**
   * How hostname egress (`EgressTarget.hosts`) is enforced: through an
   * egress proxy or with Cilium `toFQDNs` policies. Required as soon as a
   * domain lists hostnames.
   * @default - none: a domain listing hostnames is an error
   */
  readonly hostnameEnforcement?: HostnameEnforcement;
  /**
   * How the fleet names its Vault objects. `VaultNaming.fleetScoped()`
   * prefixes every policy, auth role and default mount path with the fleet
   * (its namespace unless given), so several fleets share one Vault; the
   * ServiceAccount names stay `agent-phase-<phase>` and the launcher
   * contract names the Vault role and mount to use. Turning it on for a
   * running fleet renames its Vault roles (see the README's migration).
   * @default VaultNaming.UNSCOPED - `agent-phase-<phase>`, `kubernetes-agents`, `agents/<domain>`: one fleet per Vault
   */
  readonly vaultNaming?: VaultNaming;
  /**
   * The clusters the fleet runs in. Each gets its own Kubernetes output
   * (`AgentFleet.clusterFleets`, one per cluster) and its own Vault auth
   * mounts `<authMountPath>-<cluster>` (and `<investigationIdentityMountPath>-<cluster>`)
   * configured with that cluster's CA and issuer.
   * @default - one implicit cluster: today's single-cluster output, mounts as declared
   */
  readonly clusters?: AgentCluster[];
  /**
   * Render the identities of every phase of the ladder (ServiceAccount,
   * RBAC, NetworkPolicy, Vault auth role and policy, engine credential
   * roles), even of phases above the highest agent ceiling, which no agent
   * can run at. Loosening: such identities are dormant privileges anyone
   * who can create a pod as their ServiceAccount, or log in with their
   * Vault role, could use. Leave it off and raise an agent's `ceiling`
   * (a reviewed change) to add a phase's identities.
   * @default false - only the phases from the lowest up to the highest ceiling of `agents` (`renderedPhases`)
   */
  readonly renderAllPhases?: boolean;
}

/** Marks the props of a per-cluster view (`AgentFleet.clusterFleets`); not part of the public props. */
const CLUSTER_VIEW = Symbol('cdk-agent-trust.AgentFleet.clusterView');

interface ClusterView {
  readonly cluster: AgentCluster;
  readonly declaration: AgentFleet;
}

/** A resolved domain: spec with defaults applied. */
export interface ResolvedDomain {
  /** The domain. */
  readonly domain: Domain;
  /** Engine kind. */
  readonly engine: SecretEngineKind;
  /** Mount path, without leading or trailing slash. */
  readonly mountPath: string;
  /** Egress targets. */
  readonly egress: EgressTarget[];
}

const IMAGE = /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Default Vault address. */
const DEFAULT_VAULT_ADDRESS = 'https://vault.vault.svc:8200';

/** Default TTL of agent Vault tokens (renewed by the agent up to deadline + margin). */
const DEFAULT_VAULT_TOKEN_TTL = TrustDuration.minutes(5);

/**
 * The whole declaration of an agent fleet in plain data: namespaces,
 * agents, ladder, domains, deadline. Kubernetes constructs, Vault
 * constructs, the launcher contract and the checker all read it, so a name
 * or a TTL is never written twice. Construction validates everything and
 * throws one `AgentTrustValidationError` listing every problem.
 */
export class AgentFleet {
  /** Whether `image` names a tag or a digest (not `latest`). */
  public static isPinnedImage(image: string): boolean {
    const m = IMAGE.exec(image ?? '');
    return !!m && (!!m.groups?.digest || (!!m.groups?.tag && m.groups.tag !== 'latest'));
  }

  /** The registry host of an image reference, with a trailing slash (`docker.io/` when none is named). */
  public static registryOf(image: string): string {
    const first = image.split('/')[0];
    const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
    return hasHost ? `${first}/` : 'docker.io/';
  }

  /** Agent namespace. */
  public readonly namespace: string;
  /** Target namespaces. */
  public readonly targetNamespaces: string[];
  /** Agents. */
  public readonly agents: AgentSpec[];
  /** The ladder. */
  public readonly ladder: TrustLadder;
  /** Domains with defaults applied. */
  public readonly domains: ResolvedDomain[];
  /** Job deadline. */
  public readonly jobDeadline: TrustDuration;
  /** TTL margin over the deadline. */
  public readonly ttlMargin: TrustDuration;
  /** TTL of agent Vault tokens (`token_ttl`). */
  public readonly vaultTokenTtl: TrustDuration;
  /** Concurrency quota. */
  public readonly maxConcurrentInvestigations: number;
  /** Vault address. */
  public readonly vaultAddress: string;
  /** Vault Kubernetes auth mount path. */
  public readonly vaultAuthMountPath: string;
  /** Vault network target. */
  public readonly vaultEgress: EgressTarget;
  /** JWT auth mount for per-investigation identity, if agents log in there. */
  public readonly investigationIdentityMountPath?: string;
  /** Allowed image registries. */
  public readonly allowedRegistries: string[];
  /** How the fleet names its Vault objects. */
  public readonly vaultNaming: VaultNaming;
  /** The prefix of every Vault name of the fleet; undefined when unscoped (`VaultNaming.UNSCOPED`). */
  public readonly vaultPrefix?: string;
  /** The declared clusters (empty: one implicit cluster). */
  public readonly clusters: AgentCluster[];
  /** The cluster this fleet is the view of (`clusterFleets`); undefined for a declared fleet. */
  public readonly cluster?: AgentCluster;
  /**
   * The fleet as declared: itself, or for a per-cluster view the fleet
   * that declares the cluster (two views of one declaration share its
   * Vault policies and engines).
   */
  public readonly declaration: AgentFleet;
  /**
   * The fleet as each cluster sees it, in declaration order: that cluster's
   * target namespaces, `kubernetesApi` and Vault auth mounts, everything
   * else shared. Render each with the Kubernetes constructs into its own
   * output; `[this]` when no cluster is declared.
   */
  public readonly clusterFleets: AgentFleet[];
  /** Whether vaultTokenTtl was given (a defaulted one follows the deadline, whose own problems are reported). */
  private readonly explicitTokenTtl: boolean;
  /** Where agents reach the Kubernetes API, if they may. */
  public readonly kubernetesApi?: EgressTarget;
  /** How hostname egress is enforced, if the fleet uses any. */
  public readonly hostnameEnforcement?: HostnameEnforcement;
  /** Whether the identities of phases above the highest ceiling are rendered too (`AgentFleetProps.renderAllPhases`). */
  public readonly renderAllPhases: boolean;
  /** Built on first use: most fleets of a test or an app never need every binding. */
  private bindings?: PhaseBinding[];
  /** `egressOf` per phase name, built on first use (bindings, NetworkPolicies, contract rows and hostnames all ask). */
  private egressByPhase?: Map<string, EgressTarget[]>;

  public constructor(props: AgentFleetProps) {
    const view = (props as any)[CLUSTER_VIEW] as ClusterView | undefined;
    this.cluster = view?.cluster;
    this.declaration = view?.declaration ?? this;
    this.clusters = view ? [] : [...(props.clusters ?? [])];
    this.namespace = props.namespace ?? 'agents';
    this.vaultNaming = props.vaultNaming ?? VaultNaming.UNSCOPED;
    this.vaultPrefix = this.vaultNaming.prefixFor(this.namespace);
    this.targetNamespaces = [...(props.targetNamespaces ?? [])];
    this.agents = [...(props.agents ?? [])];
    this.ladder = props.ladder ?? TrustLadder.standard();
    this.domains = (props.domains ?? Domain.standard().map((domain): DomainSpec => ({ domain }))).map(spec => ({
      domain: spec.domain,
      engine: spec.engine ?? spec.domain.defaultEngine,
      mountPath: InputRules.trimSlashes(spec.mountPath ?? TrustNames.mountPath(spec.domain.name, this.vaultPrefix)),
      egress: [...(spec.egress ?? [])],
    }));
    this.jobDeadline = props.jobDeadline ?? TrustDuration.minutes(15);
    this.ttlMargin = props.ttlMargin ?? TrustDuration.minutes(1);
    this.vaultTokenTtl = props.vaultTokenTtl
      ?? (this.jobDeadline.toSeconds() < DEFAULT_VAULT_TOKEN_TTL.toSeconds() ? this.jobDeadline : DEFAULT_VAULT_TOKEN_TTL);
    this.explicitTokenTtl = props.vaultTokenTtl !== undefined;
    this.maxConcurrentInvestigations = props.maxConcurrentInvestigations ?? 10;
    this.vaultAddress = props.vault?.address ?? DEFAULT_VAULT_ADDRESS;
    this.vaultAuthMountPath = InputRules.trimSlashes(props.vault?.authMountPath ?? TrustNames.defaultAuthMount(this.vaultPrefix));
    const jwtMount = props.vault?.investigationIdentityMountPath;
    this.investigationIdentityMountPath = jwtMount === undefined ? undefined : InputRules.trimSlashes(jwtMount);
    this.vaultEgress = props.vault?.egress
      ?? EgressTarget.inCluster('vault', { 'app.kubernetes.io/name': 'vault' }, [{ port: 8200, protocol: EgressProtocol.TCP }]);
    this.kubernetesApi = props.kubernetesApi;
    this.hostnameEnforcement = props.hostnameEnforcement;
    this.renderAllPhases = props.renderAllPhases ?? false;
    this.allowedRegistries = props.allowedRegistries
      ?? [...new Set(this.agents.filter(a => typeof a.image === 'string').map(a => AgentFleet.registryOf(a.image)))];

    const problems = new ProblemCollector();
    this.validate(problems);
    problems.throwIfAny(view ? `AgentFleet "${this.namespace}", cluster "${view.cluster.name}"` : `AgentFleet "${this.namespace}"`);
    this.clusterFleets = this.clusters.length === 0 ? [this] : this.clusters.map(c => this.viewOf(c, props));
  }

  /** The view of a declared cluster; throws, listing the clusters, when the fleet does not declare it. */
  public forCluster(name: string): AgentFleet {
    const found = this.clusterFleets.find(f => f.cluster?.name === name);
    if (!found) {
      throw new Error(`cluster ${JSON.stringify(name)} is not declared in fleet "${this.namespace}"; declared: ${this.clusters.map(c => c.name).join(', ') || '(none: one implicit cluster)'}`);
    }
    return found;
  }

  private viewOf(cluster: AgentCluster, props: AgentFleetProps): AgentFleet {
    const viewProps: AgentFleetProps = {
      ...props,
      clusters: undefined,
      targetNamespaces: cluster.targetNamespaces ?? this.targetNamespaces,
      kubernetesApi: cluster.kubernetesApi ?? this.kubernetesApi,
      domains: this.domains.map(d => ({ domain: d.domain, engine: d.engine, mountPath: d.mountPath, egress: d.egress })),
      allowedRegistries: this.allowedRegistries,
      vault: {
        ...props.vault,
        address: this.vaultAddress,
        authMountPath: TrustNames.clusterMount(this.vaultAuthMountPath, cluster.name),
        investigationIdentityMountPath: this.investigationIdentityMountPath === undefined
          ? undefined : TrustNames.clusterMount(this.investigationIdentityMountPath, cluster.name),
      },
    };
    Object.defineProperty(viewProps, CLUSTER_VIEW, { value: { cluster, declaration: this } satisfies ClusterView });
    return new AgentFleet(viewProps);
  }

  /**
   * The highest ceiling of any agent of the fleet (the lowest phase when no
   * agent declares one): no agent can run above it until a ceiling is raised.
   */
  public get highestCeiling(): TrustPhase {
    let rank = 0;
    for (const agent of this.agents) {
      rank = Math.max(rank, this.ladder.rankOf(this.ceilingOf(agent)));
    }
    return this.ladder.phases[rank];
  }

  /**
   * The phases whose identities the fleet renders (ServiceAccount, RBAC,
   * NetworkPolicy, Vault auth role and policy, engine credential roles), in
   * ladder order: from the lowest phase up to `highestCeiling`, or the whole
   * ladder with `renderAllPhases`. A phase above every ceiling gets no
   * identity, so it holds no dormant privilege; raising an agent's ceiling
   * and re-synthesizing adds it. Promotion criteria, the ceilings params and
   * the launcher contract still describe the whole `ladder`.
   */
  public get renderedPhases(): TrustPhase[] {
    const phases = this.ladder.phases;
    return this.renderAllPhases ? phases : phases.slice(0, this.ladder.rankOf(this.highestCeiling) + 1);
  }

  /** Whether the fleet renders the identities of `phase` (it is one of `renderedPhases`). */
  public isRendered(phase: TrustPhase): boolean {
    return this.renderedPhases.some(p => p.name === phase?.name);
  }

  /**
   * One binding per rendered phase (`renderedPhases`), lowest first: the
   * names, mounts, TTLs, credential paths and egress of each phase, which
   * every construct renders.
   */
  public get phaseBindings(): PhaseBinding[] {
    const rendered = this.renderedPhases.length;
    return this.builtBindings().slice(0, rendered);
  }

  /**
   * One binding per phase of the whole ladder, lowest first, including the
   * phases above the highest ceiling, which are not rendered: the names a
   * phase will get once an agent's ceiling reaches it. The launcher contract
   * describes the whole ladder with them (promotion criteria, what a
   * promotion would grant); constructs render `phaseBindings` only.
   */
  public get ladderBindings(): PhaseBinding[] {
    return [...this.builtBindings()];
  }

  /**
   * The binding of a rendered phase; throws, naming the fix, when the ladder
   * does not hold the phase or when it is above the highest ceiling of the
   * fleet (not rendered unless an agent's ceiling is raised).
   */
  public bindingOf(phase: TrustPhase): PhaseBinding {
    const found = this.builtBindings().find(b => b.phase.name === phase?.name);
    if (!found) {
      throw new Error(`unknown trust phase ${JSON.stringify(phase?.name)}; this fleet has ${this.ladder.phases.join(', ')}`);
    }
    if (!this.isRendered(found.phase)) {
      throw new Error(`trust phase "${found.phase.name}" of fleet "${this.namespace}" is above the highest agent ceiling ("${this.highestCeiling.name}"), so it has no identities (ServiceAccount, RBAC, NetworkPolicy, Vault role and policy); `
        + `raise an agent's ceiling to "${found.phase.name}" and re-synthesize (a reviewed promotion), or render only ${this.renderedPhases.join(', ')}`);
    }
    return found;
  }

  private builtBindings(): PhaseBinding[] {
    if (this.bindings === undefined) {
      this.bindings = this.ladder.phases.map(phase => new PhaseBinding(this, phase));
    }
    return this.bindings;
  }

  /** The ceiling of an agent (default applied). */
  public ceilingOf(agent: AgentSpec): TrustPhase {
    return agent.ceiling ?? this.ladder.lowest;
  }

  /** An agent by name; throws, listing the agents, when unknown. */
  public agent(name: string): AgentSpec {
    return InputRules.findByName(this.agents, a => a.name, name, (n, names) => `unknown agent ${n}; this fleet has ${names}`);
  }

  /** The resolved spec of a domain; throws when the fleet does not declare it. */
  public domain(domain: Domain): ResolvedDomain {
    return InputRules.findByName(this.domains, d => d.domain.name, domain.name, (n, names) => `domain ${n} is not declared in this fleet; declared: ${names}`);
  }

  /** The domains a phase may use (access above NONE). */
  public domainsOf(phase: TrustPhase): ResolvedDomain[] {
    return this.domains.filter(d => this.ladder.accessFor(phase, d.domain) !== AccessLevel.NONE);
  }

  /** The credential paths a phase may call, per domain, with the capability each needs; sorted. */
  public credentialPaths(phase: TrustPhase): string[] {
    const paths: string[] = [];
    for (const d of this.domains) {
      for (const level of this.ladder.accessFor(phase, d.domain).grantedLevels()) {
        paths.push(d.engine.credentialPath(d.mountPath, level.name));
      }
    }
    return paths.sort();
  }

  /** The egress targets of a phase: Vault, then the endpoints of every domain it may use. */
  public egressOf(phase: TrustPhase): EgressTarget[] {
    this.egressByPhase ??= new Map();
    let targets = this.egressByPhase.get(phase.name);
    if (targets === undefined) {
      targets = [this.vaultEgress, ...this.domainsOf(phase).flatMap(d => d.egress)];
      this.egressByPhase.set(phase.name, targets);
    }
    return [...targets];
  }

  /** Vault token TTL in seconds (`token_ttl`): `vaultTokenTtl`, a few minutes, renewed by the agent. */
  public get tokenTtlSeconds(): number {
    return this.vaultTokenTtl.toSeconds();
  }

  /** Vault explicit max TTL in seconds (`token_explicit_max_ttl`): deadline + margin, the hard end of any renewal. */
  public get tokenMaxTtlSeconds(): number {
    return this.jobDeadline.toSeconds() + this.ttlMargin.toSeconds();
  }

  /**
   * How often the agent renews its Vault token, in seconds
   * (`VAULT_TOKEN_RENEW_INTERVAL`): half the token TTL, so one failed
   * renewal still leaves time for a retry before the token expires.
   */
  public get tokenRenewIntervalSeconds(): number {
    return Math.max(1, Math.floor(this.tokenTtlSeconds / 2));
  }

  /** Every problem of the declaration (empty when valid); also used by the checker on loaded output. */
  public problems(): ValidationProblem[] {
    const problems = new ProblemCollector();
    this.validate(problems);
    return problems.problems;
  }

  private validate(problems: ProblemCollector): void {
    const path = 'AgentFleet';
    TrustNames._checkDnsLabel(problems, path, 'namespace', this.namespace);
    this.vaultNaming._check(problems, path, this.namespace, this.ladder.phases.map(p => p.name));
    if (this.targetNamespaces.length === 0) {
      problems.add(path, 'targetNamespaces', [], 'lists no namespace', 'name the namespaces agents investigate, e.g. ["payments"]');
    }
    const seenNs = new Set<string>();
    this.targetNamespaces.forEach((ns, i) => {
      TrustNames._checkDnsLabel(problems, path, `targetNamespaces[${i}]`, ns);
      if (seenNs.has(ns)) {
        problems.add(path, `targetNamespaces[${i}]`, ns, 'is listed twice', 'list each namespace once');
      }
      if (ns === this.namespace) {
        problems.add(path, `targetNamespaces[${i}]`, ns, 'is the agent namespace itself',
          'agents must not act on their own namespace (they could delete their own Jobs); remove it');
      }
      seenNs.add(ns);
    });
    this.validateAgents(problems, path);
    this.validateDomains(problems, path);
    this.validateTimes(problems, path);
    if (!Number.isInteger(this.maxConcurrentInvestigations) || this.maxConcurrentInvestigations < 1) {
      problems.add(path, 'maxConcurrentInvestigations', this.maxConcurrentInvestigations, 'must be a whole number ≥ 1',
        'set how many investigations may run at once, e.g. 10');
    }
    const vaultUrl = InputRules.urlProblem(this.vaultAddress, 'http');
    if (vaultUrl === 'malformed') {
      problems.add(path, 'vault.address', this.vaultAddress, 'is not an http(s) URL', 'use e.g. "https://vault.vault.svc:8200"');
    } else if (vaultUrl === 'credentials') {
      problems.add(path, 'vault.address', this.vaultAddress, 'embeds credentials', 'remove the user:password@ part');
    }
    if (!InputRules.isVaultMountPath(this.vaultAuthMountPath)) {
      problems.add(path, 'vault.authMountPath', this.vaultAuthMountPath, 'is not a Vault mount path',
        'use letters, digits, "-", "_", "." and "/" separators, e.g. "kubernetes-agents"');
    }
    const jwtMount = this.investigationIdentityMountPath;
    if (jwtMount !== undefined) {
      if (!InputRules.isVaultMountPath(jwtMount)) {
        problems.add(path, 'vault.investigationIdentityMountPath', jwtMount, 'is not a Vault mount path',
          'use letters, digits, "-", "_", "." and "/" separators, e.g. "jwt-agents"');
      } else if (jwtMount === this.vaultAuthMountPath) {
        problems.add(path, 'vault.investigationIdentityMountPath', jwtMount, 'is the Kubernetes auth mount itself',
          'give the JWT auth mount its own path, e.g. "jwt-agents"');
      }
    }
    this.vaultEgress._validate(problems, `${path}/vault.egress`);
    this.kubernetesApi?._validate(problems, `${path}/kubernetesApi`);
    this.allowedRegistries.forEach((r, i) => {
      if (!/^[a-z0-9.-]+(:[0-9]+)?\/([a-z0-9._/-]*\/)?$/.test(r)) {
        problems.add(path, `allowedRegistries[${i}]`, r, 'is not a registry prefix ending in "/"',
          'write it as "registry.example.com/" or "registry.example.com/team/"');
      }
    });
    this.ladder._validate(problems, `${path}/ladder`, this.domains.map(d => d.domain), this.targetNamespaces);
    PhaseHostnames._validate(problems, this, path);
    TargetNamespaceRules._check(problems, path, this.targetNamespaces, this.protectedNamespaces);
    this.validateClusters(problems, path);
  }

  private validateClusters(problems: ProblemCollector, path: string): void {
    const names = new Set<string>();
    const withoutCa: string[] = [];
    this.clusters.forEach((c, i) => {
      const p = `${path}/clusters[${i}]`;
      if (!(c instanceof AgentCluster) && (c === null || typeof c !== 'object')) {
        problems.add(p, '', c, 'is not an AgentCluster', 'declare it with new AgentCluster({ name, apiServerUrl, caCertificate })');
        return;
      }
      c._validate(problems, p, this.investigationIdentityMountPath !== undefined);
      if (names.has(c.name)) {
        problems.add(p, 'name', c.name, 'is declared twice in this fleet: both would write the same output directory and Vault mounts',
          'give every cluster a distinct name');
      }
      names.add(c.name);
      if (c.caCertificate === undefined) {
        withoutCa.push(c.name);
        if (withoutCa.length === 2) {
          problems.add(p, 'caCertificate', undefined,
            `is missing here and for cluster "${withoutCa[0]}": only the one cluster Vault itself runs in can use Vault's local CA, so at least one TokenReview would fail or trust the wrong CA`,
            'set caCertificate to each remote cluster\'s API server CA (kubectl config view --raw -o jsonpath=\'{.clusters[0].cluster.certificate-authority-data}\' | base64 -d)');
        }
      }
      const targets = c.targetNamespaces ?? [];
      const seen = new Set<string>();
      targets.forEach((ns, j) => {
        TrustNames._checkDnsLabel(problems, p, `targetNamespaces[${j}]`, ns);
        if (seen.has(ns)) {
          problems.add(p, `targetNamespaces[${j}]`, ns, 'is listed twice', 'list each namespace once');
        }
        if (ns === this.namespace) {
          problems.add(p, `targetNamespaces[${j}]`, ns, 'is the agent namespace itself',
            'agents must not act on their own namespace (they could delete their own Jobs); remove it');
        }
        seen.add(ns);
      });
      if (c.targetNamespaces !== undefined) {
        if (targets.length === 0) {
          problems.add(p, 'targetNamespaces', [], 'lists no namespace', 'name the namespaces agents investigate in this cluster, or leave it unset for the fleet\'s');
        }
        TargetNamespaceRules._check(problems, p, targets, this.protectedNamespaces);
      }
    });
  }

  /**
   * Record every conflict between fleets rendered together (one Vault
   * stack, one cluster's output): two declarations with the same Vault
   * prefix, and a target namespace two fleets claim in one declared cluster.
   * `fleets` may hold per-cluster views; each declaration counts once.
   * @internal
   */
  public static _checkTogether(problems: ProblemCollector, path: string, fleets: AgentFleet[]): void {
    const declarations = [...new Set(fleets.map(f => f.declaration))];
    declarations.forEach((a, i) => {
      for (const b of declarations.slice(i + 1)) {
        if (a.vaultPrefix !== undefined && a.vaultPrefix === b.vaultPrefix) {
          problems.add(path, `fleet "${b.namespace}".vaultNaming.prefix`, a.vaultPrefix,
            `is also the Vault prefix of the fleet in namespace "${a.namespace}": both fleets would own the same Vault policies, roles and mounts`,
            'give each fleet on this Vault its own prefix: vaultNaming: VaultNaming.fleetScoped({ prefix: \'<team>\' })');
        }
        for (const va of a.clusterFleets.filter(f => f.cluster)) {
          const vb = b.clusterFleets.find(f => f.cluster?.name === va.cluster!.name);
          if (vb) {
            AgentFleet.checkClaims(problems, path, va, vb);
          }
        }
      }
    });
  }

  /**
   * Record every target namespace two fleets rendered into ONE cluster's
   * output claim (`fleets`: per-cluster views or fleets without clusters;
   * `paths[i]` is where `fleets[i]` is rendered). Each pair of declarations
   * is reported once, at the later fleet's path. Views of one declaration
   * never conflict with each other.
   * @internal
   */
  public static _checkOneCluster(problems: ProblemCollector, paths: string[], fleets: AgentFleet[]): void {
    const firsts = fleets.map((fleet, index) => ({ fleet, index }))
      .filter(({ fleet }, k) => fleets.findIndex(f => f.declaration === fleet.declaration) === k);
    firsts.forEach(({ fleet: b, index }, k) => {
      for (const { fleet: a } of firsts.slice(0, k)) {
        AgentFleet.checkClaims(problems, paths[index], a, b);
      }
    });
  }

  /** A problem for each target namespace both views claim (they render into one cluster). */
  private static checkClaims(problems: ProblemCollector, path: string, a: AgentFleet, b: AgentFleet): void {
    const field = a.cluster ? `cluster "${a.cluster.name}".targetNamespaces` : 'targetNamespaces';
    for (const ns of a.targetNamespaces.filter(n => b.targetNamespaces.includes(n))) {
      problems.add(path, field, ns,
        `is claimed by the fleets in namespaces "${a.namespace}" and "${b.namespace}": two teams' agents would hold RBAC in one namespace and their RoleBindings would collide`,
        `give each namespace of a cluster to one fleet (${a.cluster ? 'AgentCluster' : 'AgentFleet'} targetNamespaces)`);
    }
  }

  /** Namespaces that may never be targets: Kubernetes' own, Vault's, and the infrastructure every phase reaches (issue #17). */
  public get protectedNamespaces(): ProtectedNamespace[] {
    let perPhase: EgressTarget[][] = [];
    try {
      perPhase = this.ladder.phases.map(p => this.egressOf(p));
    } catch {
      // An invalid ladder is reported by its own validation.
    }
    return TargetNamespaceRules.protectedNamespaces(this.vaultAddress, TargetNamespaceRules.sharedNamespaces(perPhase),
      this.vaultEgress.namespace);
  }

  private validateAgents(problems: ProblemCollector, path: string): void {
    if (this.agents.length === 0) {
      problems.add(path, 'agents', [], 'declares no agent', 'add at least one { name, image }');
    }
    const seen = new Set<string>();
    this.agents.forEach((agent, i) => {
      const p = `${path}/agents[${i}]`;
      TrustNames._checkDnsLabel(problems, p, 'name', agent.name);
      if (seen.has(agent.name)) {
        problems.add(p, 'name', agent.name, 'is declared twice', 'give every agent a distinct name');
      }
      seen.add(agent.name);
      if (!AgentFleet.isPinnedImage(agent.image)) {
        problems.add(p, 'image', agent.image, 'is not an image pinned by tag or digest (and not ":latest")',
          'write it as "registry.example.com/agents/name:1.2.3" or "…@sha256:<64 hex>"');
      } else if (!this.allowedRegistries.some(r => agent.image.startsWith(r))) {
        problems.add(p, 'image', agent.image, 'does not come from an allowed registry',
          `use an image under ${this.allowedRegistries.join(', ')} or add its registry to allowedRegistries`);
      }
      if (agent.ceiling && !this.ladder.has(agent.ceiling)) {
        problems.add(p, 'ceiling', agent.ceiling.name, 'is not a phase of the ladder',
          `use one of ${this.ladder.phases.join(', ')}`);
      }
    });
  }

  private validateDomains(problems: ProblemCollector, path: string): void {
    const seen = new Set<string>();
    this.domains.forEach((d, i) => {
      const p = `${path}/domains[${i}]`;
      TrustNames._checkDnsLabel(problems, p, 'domain.name', d.domain.name);
      if (seen.has(d.domain.name)) {
        problems.add(p, 'domain', d.domain.name, 'is declared twice', 'declare each domain once');
      }
      seen.add(d.domain.name);
      if (!InputRules.isVaultMountPath(d.mountPath)) {
        problems.add(p, 'mountPath', d.mountPath, 'is not a Vault mount path', 'use segments of letters, digits, "-", "_", "." separated by "/"');
      }
      if (InputRules.isReservedVaultMount(d.mountPath)) {
        problems.add(p, 'mountPath', d.mountPath, 'is reserved by Vault', 'use a path under "agents/"');
      }
      this.domains.forEach((other, j) => {
        if (j > i && InputRules.overlaps(other.mountPath, d.mountPath)) {
          problems.add(p, 'mountPath', d.mountPath,
            `collides with the mount of domain "${other.domain.name}" ("${other.mountPath}"): Vault mounts may not be equal or nested`,
            'give each domain its own path, e.g. the default "agents/<domain>"');
        }
      });
      d.egress.forEach((t, j) => t._validate(problems, `${p}/egress[${j}]`));
    });
  }

  private validateTimes(problems: ProblemCollector, path: string): void {
    const deadline = this.jobDeadline.toSeconds();
    if (!this.jobDeadline.isWholeSeconds() || deadline < 1) {
      problems.add(path, 'jobDeadline', this.jobDeadline.toString(), 'must be at least one whole second',
        'use e.g. TrustDuration.minutes(15)');
    }
    if (deadline > 86400) {
      problems.add(path, 'jobDeadline', this.jobDeadline.toString(), 'is longer than a day; credentials would live as long',
        'keep investigations short (the seed uses 15 minutes)');
    }
    const margin = this.ttlMargin.toSeconds();
    if (!this.ttlMargin.isWholeSeconds() || margin > Math.max(300, deadline * 0.5)) {
      problems.add(path, 'ttlMargin', this.ttlMargin.toString(),
        `must be whole seconds and at most max(5 minutes, half the deadline) = ${Math.max(300, deadline * 0.5)}s`,
        'a token should die soon after its Job; use e.g. TrustDuration.minutes(1)');
    }
    const ttl = this.vaultTokenTtl.toSeconds();
    if (!this.explicitTokenTtl) {
      return;
    }
    if (!this.vaultTokenTtl.isWholeSeconds() || ttl < 2) {
      problems.add(path, 'vaultTokenTtl', this.vaultTokenTtl.toString(),
        'must be at least 2 whole seconds (the agent renews every half of it, at least every second)',
        'use e.g. TrustDuration.minutes(5)');
    } else if (ttl > deadline) {
      problems.add(path, 'vaultTokenTtl', this.vaultTokenTtl.toString(),
        `is longer than the jobDeadline (${deadline}s): a crashed agent's token and leases would outlive the whole investigation`,
        `use at most ${deadline}s; a few minutes is enough, the agent renews it (e.g. TrustDuration.minutes(5))`);
    }
  }
}
