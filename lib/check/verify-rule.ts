import { InputRules } from '../model/private/input-rules';

/** How bad a finding is. */
export class VerifySeverity {
  /** A broken invariant: `agent-trust verify` exits 1. */
  public static readonly ERROR = new VerifySeverity('ERROR');
  /** A documented loosening (e.g. a warn-only admission binding): listed, but the exit code stays 0. */
  public static readonly WARNING = new VerifySeverity('WARNING');

  private constructor(
    /** `ERROR` or `WARNING`, as printed. */
    public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}

/**
 * One invariant `Verifier` checks, with a stable id (used in findings, in
 * tests and by pipelines that filter findings) and what it protects.
 */
export class VerifyRule {
  /** An object does not have the JSON shape Kubernetes requires (hand-edited): it is left out of the other checks. */
  public static readonly INPUT_MALFORMED = new VerifyRule('input-malformed', VerifySeverity.ERROR,
    'every object the verifier reads has the shape the API server requires');
  /**
   * A check threw (a bug in agent-trust, or hand-edited output of a shape
   * no check expects): its rules were not fully checked. Cannot be suppressed.
   */
  public static readonly CHECK_ERROR = new VerifyRule('check-error', VerifySeverity.ERROR,
    'every check of the verifier runs to completion on the output');
  /** The Kubernetes output holds no launcher contract: nothing can be cross-checked. */
  public static readonly CONTRACT_MISSING = new VerifyRule('contract-missing', VerifySeverity.ERROR,
    'a launcher contract ConfigMap (or contract document) is in the Kubernetes output');
  /** A launcher contract fails the loader's validation. */
  public static readonly CONTRACT_INVALID = new VerifyRule('contract-invalid', VerifySeverity.ERROR,
    'every launcher contract passes the loader\'s validation');
  /** A contract file in `contracts/` differs from the contract in its ConfigMap. */
  public static readonly CONTRACT_FILE_MISMATCH = new VerifyRule('contract-file-mismatch', VerifySeverity.ERROR,
    'every contract file in contracts/ equals the contract in its agent\'s ConfigMap');
  /** A contract file has no ConfigMap, or (with a contracts/ folder present) a ConfigMap has no contract file. */
  public static readonly CONTRACT_FILE_UNMATCHED = new VerifyRule('contract-file-unmatched', VerifySeverity.ERROR,
    'contract files and contract ConfigMaps come in pairs (same agent and namespace)');
  /** A phase's ServiceAccount is missing from the agent namespace. */
  public static readonly SA_MISSING = new VerifyRule('sa-missing', VerifySeverity.ERROR,
    'every phase of a contract has its ServiceAccount in the agent namespace');
  /** A ServiceAccount mounts its API token into every pod by default. */
  public static readonly SA_AUTOMOUNT = new VerifyRule('sa-automount-token', VerifySeverity.ERROR,
    'phase ServiceAccounts set automountServiceAccountToken: false');
  /** No Vault auth role carries a phase's `vaultRole` name. */
  public static readonly VAULT_ROLE_MISSING = new VerifyRule('vault-role-missing', VerifySeverity.ERROR,
    'every phase has a Vault Kubernetes auth role named as in the contract');
  /** A Vault role is bound to another ServiceAccount or namespace than its phase's. */
  public static readonly SA_VAULT_BINDING = new VerifyRule('sa-vault-binding', VerifySeverity.ERROR,
    'each phase role is bound to exactly its ServiceAccount in exactly the agent namespace');
  /** A Vault role sits on another auth mount than the contract's `vaultAuthMount`. */
  public static readonly VAULT_AUTH_MOUNT = new VerifyRule('vault-auth-mount', VerifySeverity.ERROR,
    'each phase role lives on the Kubernetes auth mount the contract names');
  /** The Job's projected token audience differs from what the Vault role accepts. */
  public static readonly TOKEN_AUDIENCE = new VerifyRule('token-audience', VerifySeverity.ERROR,
    'the Job template\'s projected token audience is exactly the audience every phase role requires');
  /** The Job template's deadline is missing or disagrees with the contract. */
  public static readonly JOB_DEADLINE = new VerifyRule('job-deadline', VerifySeverity.ERROR,
    'the Job template sets activeDeadlineSeconds equal to the contract\'s jobDeadlineSeconds');
  /** A Vault TTL outlives the Job deadline plus margin (or is unbounded). */
  public static readonly TTL_TOO_LONG = new VerifyRule('vault-ttl-too-long', VerifySeverity.ERROR,
    'every Vault token and lease TTL is at most the Job deadline plus the margin');
  /** A phase role's token cannot last until the Job's deadline, even renewed. */
  public static readonly TTL_TOO_SHORT = new VerifyRule('vault-token-ttl-too-short', VerifySeverity.ERROR,
    'every phase role\'s token can last the whole Job: token_explicit_max_ttl ≥ the Job deadline (batch tokens, which cannot renew: token_ttl ≥ the deadline)');
  /** A phase role's token lives too long without a renewal, so it outlives a finished (or crashed) investigation by too much. */
  public static readonly TOKEN_TTL_BOUND = new VerifyRule('vault-token-ttl-bound', VerifySeverity.ERROR,
    'every phase role sets token_ttl, at most the token TTL bound (the contract\'s vaultToken.ttlSeconds, else 300 s; --token-ttl-bound lowers it)');
  /** The agent is not told to renew its token, or not before it expires, or may not. */
  public static readonly TOKEN_RENEWAL = new VerifyRule('vault-token-renewal', VerifySeverity.ERROR,
    'the Job template tells the agent to renew its token (VAULT_TOKEN_RENEW_INTERVAL) more often than token_ttl, and phase policies allow auth/token/renew-self');
  /** The agent is not told to revoke its token on exit, or may not. */
  public static readonly TOKEN_REVOKE = new VerifyRule('vault-token-revoke-on-exit', VerifySeverity.ERROR,
    'the Job template tells the agent to revoke its token on exit (VAULT_REVOKE_ON_EXIT=true), and phase policies allow auth/token/revoke-self');
  /** A secrets-engine lease TTL is longer than the agent tokens' explicit max TTL. */
  public static readonly LEASE_OUTLIVES_TOKEN = new VerifyRule('vault-lease-outlives-token', VerifySeverity.ERROR,
    'no secrets-engine lease TTL (default or max, mount or role) exceeds the phase tokens\' token_explicit_max_ttl');
  /** The admission policy, its binding or its params ConfigMap is missing (or admits when params are missing). */
  public static readonly ADMISSION_MISSING = new VerifyRule('admission-missing', VerifySeverity.ERROR,
    'a ValidatingAdmissionPolicy for Jobs in the agent namespace exists with a binding and its params ConfigMap');
  /** The admission params disagree with a contract's ceiling or phase order. */
  public static readonly ADMISSION_CEILING = new VerifyRule('admission-ceiling', VerifySeverity.ERROR,
    'the admission params hold each agent\'s contract ceiling and the contract\'s phase ranks');
  /** The admission binding only warns or audits, or the policy ignores failures. */
  public static readonly ADMISSION_NOT_ENFORCED = new VerifyRule('admission-not-enforced', VerifySeverity.WARNING,
    'the admission binding denies and the policy fails closed');
  /** No bound policy checks Pods (CREATE, UPDATE, pods/ephemeralcontainers) in the agent namespace with the Pod rules. */
  public static readonly POD_GUARD_MISSING = new VerifyRule('admission-pod-guard-missing', VerifySeverity.ERROR,
    'a bound ValidatingAdmissionPolicy admits Pods that run as a phase ServiceAccount only from the Job controller, '
    + 'from an investigation Job, shaped like the template, and no ephemeral containers');
  /** The Job policy lets any identity create investigation Jobs. */
  public static readonly CREATOR_GUARD_MISSING = new VerifyRule('admission-creator-guard-missing', VerifySeverity.ERROR,
    'the Job policy admits a Job CREATE only from the launcher (job-created-by-launcher)');
  /** No bound policy restricts token requests for phase ServiceAccounts. */
  public static readonly TOKEN_GUARD_MISSING = new VerifyRule('admission-token-guard-missing', VerifySeverity.ERROR,
    'a bound ValidatingAdmissionPolicy admits serviceaccounts/token for a phase ServiceAccount only from a kubelet, for an investigation Pod');
  /** No bound policy denies exec, attach and port-forward into investigation Pods. */
  public static readonly CONNECT_GUARD_MISSING = new VerifyRule('admission-connect-guard-missing', VerifySeverity.ERROR,
    'a bound ValidatingAdmissionPolicy denies CONNECT on pods/exec, pods/attach and pods/portforward of investigation Pods');
  /** A higher phase holds fewer Kubernetes permissions than the phase below. */
  public static readonly MONOTONIC_K8S = new VerifyRule('phase-monotonic-k8s', VerifySeverity.ERROR,
    'each phase\'s effective Kubernetes permissions include the phase below\'s');
  /** A higher phase's Vault policy grants less than the phase below's. */
  public static readonly MONOTONIC_VAULT = new VerifyRule('phase-monotonic-vault', VerifySeverity.ERROR,
    'each phase\'s Vault policy includes every path and capability of the phase below\'s');
  /** A phase's Vault policy is missing. */
  public static readonly VAULT_POLICY_MISSING = new VerifyRule('vault-policy-missing', VerifySeverity.ERROR,
    'every phase has its Vault policy');
  /** A Vault policy is not JSON, so it cannot be verified. */
  public static readonly VAULT_POLICY_UNVERIFIABLE = new VerifyRule('vault-policy-unverifiable', VerifySeverity.ERROR,
    'every Vault policy is JSON the verifier can read');
  /** A phase policy grants a path its contract does not list (the reviewer never saw it). */
  public static readonly VAULT_POLICY_UNDECLARED = new VerifyRule('vault-policy-undeclared-path', VerifySeverity.ERROR,
    'a phase policy grants only the contract\'s vaultPaths and the token self paths');
  /** A Vault policy touches `sys/`, `identity/` or `auth/` (beyond the token self paths). */
  public static readonly VAULT_POLICY_SYSTEM = new VerifyRule('vault-policy-system-path', VerifySeverity.ERROR,
    'no Vault policy grants anything under sys/, identity/ or auth/ except the token self paths');
  /** A Vault policy path has a glob outside one engine's credential path. */
  public static readonly VAULT_POLICY_GLOB = new VerifyRule('vault-policy-glob', VerifySeverity.ERROR,
    'globs appear only as a trailing * right below one engine mount\'s credential path');
  /** A Vault policy grants `sudo` or `root`. */
  public static readonly VAULT_POLICY_SUDO = new VerifyRule('vault-policy-sudo', VerifySeverity.ERROR,
    'no Vault policy grants sudo or root');
  /** A phase role's tokens also get Vault's `default` policy. */
  public static readonly TOKEN_DEFAULT_POLICY = new VerifyRule('vault-token-default-policy', VerifySeverity.ERROR,
    'phase roles set token_no_default_policy: true');
  /** A phase role's tokens carry other policies than the phase's own. */
  public static readonly TOKEN_POLICIES = new VerifyRule('vault-token-policies', VerifySeverity.ERROR,
    'phase roles set token_policies to exactly the phase\'s policy');
  /** A phase lacks its Role or RoleBinding in a target namespace. */
  public static readonly PHASE_RBAC_MISSING = new VerifyRule('phase-rbac-missing', VerifySeverity.ERROR,
    'a phase bound in one target namespace has its RoleBinding and Role in every target namespace');
  /** A Role bound to an agent-namespace ServiceAccount grants a denylisted permission. */
  /**
   * A phase is granted Kubernetes RBAC in target namespaces, but its pods
   * get no Kubernetes API token (the contract's template mounts none) or no
   * egress to the API server (no rule of the phase's NetworkPolicies allows
   * TCP 443 or 6443 to an IP block): the reviewed RBAC is unusable, which
   * hand-composed constructs without the fleet's `kubernetesApi` used to
   * produce silently.
   */
  public static readonly KUBERNETES_API_UNREACHABLE = new VerifyRule('kubernetes-api-unreachable', VerifySeverity.ERROR,
    'a phase granted RBAC in target namespaces gets a Kubernetes API token and egress to the API server');
  public static readonly RBAC_DENYLIST = new VerifyRule('rbac-denylist', VerifySeverity.ERROR,
    'no Role or ClusterRole bound to a ServiceAccount of the agent namespace grants a denylisted permission');
  /** A target namespace (or a phase RoleBinding) is a system, Vault or shared-infrastructure namespace. */
  public static readonly TARGET_NAMESPACE_PROTECTED = new VerifyRule('target-namespace-protected', VerifySeverity.ERROR,
    'no phase holds Roles in kube-system, kube-public, kube-node-lease, Vault\'s namespace or the egress proxy\'s');
  /**
   * Two fleets (agent namespaces) claim one target namespace of a cluster:
   * both contracts list it, or both fleets' phase ServiceAccounts are bound
   * there. Their agents would share the namespace and their RoleBindings
   * (`agent-phase-<phase>.<namespace>`) replace each other.
   */
  public static readonly TARGET_NAMESPACE_SHARED = new VerifyRule('target-namespace-shared', VerifySeverity.ERROR,
    'each target namespace of a cluster belongs to one fleet: one fleet\'s contracts list it and only its phase ServiceAccounts are bound there');
  /**
   * Vault's identity (the subject of the Kubernetes secrets engine's
   * bindings, or any ServiceAccount of Vault's namespace) may mint a token
   * for any ServiceAccount, or write RBAC.
   */
  public static readonly VAULT_ENGINE_RBAC = new VerifyRule('vault-engine-rbac', VerifySeverity.ERROR,
    'Vault holds only create on serviceaccounts/token with resourceNames naming ServiceAccounts of the output in that namespace (no phase ServiceAccount, nothing cluster-wide), and no RBAC writes');
  /** No bound policy limits writes to the ceilings and contract ConfigMaps to the promotion identity. */
  public static readonly PARAMS_GUARD_MISSING = new VerifyRule('admission-params-guard-missing', VerifySeverity.ERROR,
    'only the promotion identity may create, update or delete the ceilings and launcher-contract ConfigMaps');
  /** The Job policy does not compare Jobs with their agent's launcher contract. */
  public static readonly JOB_CONTRACT_GUARD_MISSING = new VerifyRule('admission-job-contract-guard-missing', VerifySeverity.ERROR,
    'the Job policy admits only the agent\'s contract Job (image, command, env, volumes), the investigation id and phase aside');
  /** A pod template breaks the Pod Security `restricted` profile. */
  public static readonly POD_SECURITY = new VerifyRule('pod-security', VerifySeverity.ERROR,
    'every pod template meets Pod Security restricted');
  /** A pod template mounts the Kubernetes API token. */
  public static readonly POD_AUTOMOUNT = new VerifyRule('pod-automount-token', VerifySeverity.ERROR,
    'every pod template sets automountServiceAccountToken: false');
  /** A phase has no NetworkPolicy selecting `trust-phase=<phase>`. */
  public static readonly EGRESS_POLICY_MISSING = new VerifyRule('egress-policy-missing', VerifySeverity.ERROR,
    'every phase has a NetworkPolicy selecting its pods');
  /** A NetworkPolicy selecting agent pods does not restrict egress, or allows all of it. */
  public static readonly EGRESS_NOT_DENIED = new VerifyRule('egress-not-default-deny', VerifySeverity.ERROR,
    'every NetworkPolicy selecting agent pods restricts Egress and has no rule allowing every destination');
  /** An egress ipBlock reaches link-local addresses (cloud metadata). */
  public static readonly EGRESS_METADATA = new VerifyRule('egress-metadata', VerifySeverity.ERROR,
    'every egress ipBlock that contains 169.254.0.0/16 excepts it, and none lies inside it');
  /** A phase below the top one reaches the whole internet (or a block wider than the prefix bound). */
  public static readonly EGRESS_INTERNET_WIDE = new VerifyRule('egress-internet-wide', VerifySeverity.ERROR,
    'no phase below the top one has an egress rule to 0.0.0.0/0, ::/0, a block shorter than the prefix bound (--min-egress-prefix, default /8), a Cilium world entity or no destination');
  /** A phase sends DNS beyond the cluster DNS pods. */
  public static readonly EGRESS_DNS_WIDE = new VerifyRule('egress-dns-wide', VerifySeverity.ERROR,
    'every egress rule reaching port 53 goes only to labelled pods in a named namespace (the DNS pods) or to one address (a NodeLocal DNSCache)');
  /** What enforces a phase's hostnames (the proxy allowlist or the Cilium policies) differs from the contract's grants. */
  public static readonly EGRESS_HOSTNAMES_UNENFORCED = new VerifyRule('egress-hostnames-unenforced', VerifySeverity.ERROR,
    'the egress proxy allowlist (squid.conf and <phase>.hosts) or the phase\'s CiliumNetworkPolicy toFQDNs allow exactly the hostnames and ports the contract grants each phase');
  /** A NetworkPolicy selecting agent pods allows ingress. */
  public static readonly INGRESS_NOT_DENIED = new VerifyRule('ingress-not-denied', VerifySeverity.ERROR,
    'every NetworkPolicy selecting agent pods restricts Ingress and allows none');
  /** A Kubernetes Secret object is in the output. */
  public static readonly K8S_SECRET = new VerifyRule('k8s-secret-object', VerifySeverity.ERROR,
    'the Kubernetes output holds no Secret objects');
  /** A sensitive Terraform attribute holds a literal instead of a sensitive variable. */
  public static readonly TF_SECRET_LITERAL = new VerifyRule('tf-secret-literal', VerifySeverity.ERROR,
    'sensitive Terraform attributes reference sensitive variables, never literals');
  /** A variable feeding a sensitive attribute is not sensitive or has a default. */
  public static readonly TF_VARIABLE = new VerifyRule('tf-secret-variable', VerifySeverity.ERROR,
    'variables holding secrets are sensitive and have no default');
  /** A private key or AWS secret key shape appears in any output file. */
  public static readonly SECRET_PATTERN = new VerifyRule('secret-pattern', VerifySeverity.ERROR,
    'no private-key PEM block or AWS key shape appears anywhere in the output');
  /**
   * A Vault auth mount holds the phase roles of a fleet whose contracts, in
   * every cluster directory verified, log in elsewhere: its cluster's
   * output was not verified (a missing cluster directory), or the mount is stale.
   */
  public static readonly CLUSTER_MISSING = new VerifyRule('cluster-missing', VerifySeverity.ERROR,
    'every Vault auth mount holding a fleet\'s phase roles is the mount of a verified cluster');
  /** Two clusters' contracts log in through one Vault auth mount: a token of one cluster could log in as the other. */
  public static readonly CLUSTER_MOUNT_SHARED = new VerifyRule('cluster-auth-mount-shared', VerifySeverity.ERROR,
    'each cluster logs in through its own Vault auth mounts, configured with its own CA and issuer');
  /** Two fleets' contracts name the same Vault role: one fleet's agents would hold the other's policy. */
  public static readonly VAULT_NAME_SHARED = new VerifyRule('vault-name-shared', VerifySeverity.ERROR,
    'no two fleets on one Vault share a role or policy name (VaultNaming.fleetScoped)');

  /**
   * A fleet's output holds the identities (ServiceAccount, RoleBindings,
   * NetworkPolicies, Vault role) of a phase above the highest ceiling of
   * its agents: `renderAllPhases`, a documented loosening. Credentials of a
   * phase no agent may run in exist; admission still refuses Jobs in it.
   */
  public static readonly IDENTITIES_ABOVE_CEILING = new VerifyRule('identities-above-ceiling', VerifySeverity.WARNING,
    'phase identities are rendered only up to the highest ceiling of the fleet\'s agents');

  /** Every rule, in report order. */
  public static all(): VerifyRule[] {
    return [VerifyRule.INPUT_MALFORMED, VerifyRule.CHECK_ERROR, VerifyRule.CONTRACT_MISSING, VerifyRule.CONTRACT_INVALID,
      VerifyRule.CONTRACT_FILE_MISMATCH, VerifyRule.CONTRACT_FILE_UNMATCHED, VerifyRule.SA_MISSING, VerifyRule.SA_AUTOMOUNT,
      VerifyRule.VAULT_ROLE_MISSING, VerifyRule.SA_VAULT_BINDING, VerifyRule.VAULT_AUTH_MOUNT, VerifyRule.TOKEN_AUDIENCE,
      VerifyRule.JOB_DEADLINE, VerifyRule.TTL_TOO_LONG, VerifyRule.TTL_TOO_SHORT, VerifyRule.TOKEN_TTL_BOUND,
      VerifyRule.TOKEN_RENEWAL, VerifyRule.TOKEN_REVOKE, VerifyRule.LEASE_OUTLIVES_TOKEN, VerifyRule.ADMISSION_MISSING,
      VerifyRule.ADMISSION_CEILING, VerifyRule.ADMISSION_NOT_ENFORCED, VerifyRule.POD_GUARD_MISSING, VerifyRule.CREATOR_GUARD_MISSING,
      VerifyRule.TOKEN_GUARD_MISSING, VerifyRule.CONNECT_GUARD_MISSING, VerifyRule.MONOTONIC_K8S, VerifyRule.MONOTONIC_VAULT,
      VerifyRule.VAULT_POLICY_MISSING, VerifyRule.VAULT_POLICY_UNVERIFIABLE, VerifyRule.VAULT_POLICY_UNDECLARED,
      VerifyRule.VAULT_POLICY_SYSTEM, VerifyRule.VAULT_POLICY_GLOB, VerifyRule.VAULT_POLICY_SUDO,
      VerifyRule.TOKEN_DEFAULT_POLICY, VerifyRule.TOKEN_POLICIES, VerifyRule.PHASE_RBAC_MISSING, VerifyRule.KUBERNETES_API_UNREACHABLE,
      VerifyRule.RBAC_DENYLIST,
      VerifyRule.IDENTITIES_ABOVE_CEILING,
      VerifyRule.TARGET_NAMESPACE_PROTECTED, VerifyRule.TARGET_NAMESPACE_SHARED, VerifyRule.VAULT_ENGINE_RBAC, VerifyRule.PARAMS_GUARD_MISSING,
      VerifyRule.JOB_CONTRACT_GUARD_MISSING, VerifyRule.POD_SECURITY,
      VerifyRule.POD_AUTOMOUNT, VerifyRule.EGRESS_POLICY_MISSING, VerifyRule.EGRESS_NOT_DENIED, VerifyRule.EGRESS_METADATA,
      VerifyRule.EGRESS_INTERNET_WIDE, VerifyRule.EGRESS_DNS_WIDE, VerifyRule.EGRESS_HOSTNAMES_UNENFORCED,
      VerifyRule.INGRESS_NOT_DENIED, VerifyRule.K8S_SECRET, VerifyRule.TF_SECRET_LITERAL, VerifyRule.TF_VARIABLE,
      VerifyRule.SECRET_PATTERN, VerifyRule.CLUSTER_MISSING, VerifyRule.CLUSTER_MOUNT_SHARED, VerifyRule.VAULT_NAME_SHARED];
  }

  /** A rule by id; throws with the known ids when unknown. */
  public static of(id: string): VerifyRule {
    return InputRules.findByName(VerifyRule.all(), r => r.id, id, (n, names) => `unknown verify rule ${n}; use one of ${names}`);
  }

  private constructor(
    /** Stable id, e.g. `sa-vault-binding`. */
    public readonly id: string,
    /** Severity of its findings. */
    public readonly severity: VerifySeverity,
    /** The invariant, stated positively. */
    public readonly invariant: string) {}

  public toString(): string {
    return this.id;
  }
}
