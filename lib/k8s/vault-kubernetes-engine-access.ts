import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentFleet, CredentialRoles, Domain, KubernetesLevelRole, KubernetesRule, TrustNames, SecretEngineKind,
} from '../model';
import { guardOutput, pathOf } from './private/k8s-util';
import { ProblemCollector } from '../model/private/problem-collector';

/** Props of `VaultKubernetesEngineAccess`. */
export interface VaultKubernetesEngineAccessProps {
  /** The fleet. */
  readonly fleet: AgentFleet;
  /**
   * The domain served by the Kubernetes secrets engine.
   * @default Domain.APPLICATION
   */
  readonly domain?: Domain;
  /**
   * Namespace of the ServiceAccount Vault runs as (in-cluster Vault) or
   * whose JWT the engine is configured with.
   * @default "vault"
   */
  readonly vaultNamespace?: string;
  /**
   * Name of that ServiceAccount.
   * @default "vault"
   */
  readonly vaultServiceAccountName?: string;
  /**
   * What the token of each level may do in the target namespaces: the rules
   * of the level's Role, or an existing Role/ClusterRole its ServiceAccount
   * is bound to (checked against the RBAC denylist).
   * @default - `CredentialRoles.kubernetesRoles(fleet, domain)`: the namespaced rules of the lowest phase holding each level
   */
  readonly roles?: KubernetesLevelRole[];
}

/**
 * What Vault's Kubernetes secrets engine needs to issue the domain's
 * dynamic tokens, and nothing more (issue #17): one pre-created
 * ServiceAccount per credential level (`TrustNames.kubernetesEngineServiceAccount`,
 * token automount off) in the first target namespace
 * (`TrustNames.kubernetesEngineNamespace`), bound in every target namespace
 * to that level's Role (the ladder's namespaced rules, or an existing
 * Role/ClusterRole); and one Role for Vault, in that namespace only,
 * granting only `create` on `serviceaccounts/token` with `resourceNames` =
 * exactly those ServiceAccounts. The Vault roles (`VaultDomainSecretEngine`)
 * name the ServiceAccount (`service_account_name`) and that namespace, so
 * Vault only requests tokens for it: it creates no ServiceAccounts, Roles
 * or RoleBindings, holds no RBAC writes and cannot mint a token for any
 * other ServiceAccount. A level token acts in every target namespace.
 * @see https://developer.hashicorp.com/vault/docs/secrets/kubernetes
 */
export class VaultKubernetesEngineAccess extends Construct {
  /** The rules Vault holds in `namespace` (one: `create serviceaccounts/token` on the level ServiceAccounts). */
  public readonly rules: KubernetesRule[];
  /** The namespace of the level ServiceAccounts and of Vault's Role (`TrustNames.kubernetesEngineNamespace`: the first target namespace). */
  public readonly namespace: string;
  /** Vault's Role (one, in `namespace`). */
  public readonly roles: kplus.k8s.KubeRole[];
  /** Vault's RoleBinding (one, in `namespace`). */
  public readonly roleBindings: kplus.k8s.KubeRoleBinding[];
  /** The level ServiceAccount names, lowest level first. */
  public readonly serviceAccountNames: string[];
  /** The level ServiceAccounts, in `namespace`, lowest level first. */
  public readonly serviceAccounts: kplus.k8s.KubeServiceAccount[];
  /** The generated per-level Roles (none for a level bound to an existing Role). */
  public readonly levelRoles: kplus.k8s.KubeRole[];
  /** The per-level RoleBindings in every target namespace, binding each level ServiceAccount to its Role there. */
  public readonly levelRoleBindings: kplus.k8s.KubeRoleBinding[];

  public constructor(scope: Construct, id: string, props: VaultKubernetesEngineAccessProps) {
    super(scope, id);
    guardOutput(this);
    const fleet = props.fleet;
    const domain = props.domain ?? Domain.APPLICATION;
    const vaultNamespace = props.vaultNamespace ?? 'vault';
    const vaultSa = props.vaultServiceAccountName ?? 'vault';
    const path = pathOf(this);
    const problems = new ProblemCollector();
    const resolved = fleet.domains.find(d => d.domain.name === domain.name);
    if (!resolved) {
      problems.add(path, 'domain', domain.name, 'is not a domain of the fleet',
        `use one of ${fleet.domains.map(d => d.domain.name).join(', ')}`);
    } else if (resolved.engine !== SecretEngineKind.KUBERNETES) {
      problems.add(path, 'domain', domain.name, `is served by the "${resolved.engine.name}" engine, not the Kubernetes secrets engine`,
        'pass the domain whose engine is SecretEngineKind.KUBERNETES');
    }
    TrustNames._checkDnsLabel(problems, path, 'vaultNamespace', vaultNamespace);
    if (!TrustNames.isDnsSubdomain(vaultSa)) {
      problems.add(path, 'vaultServiceAccountName', vaultSa, 'is not a valid ServiceAccount name', 'use a DNS subdomain such as "vault"');
    }
    const levelRoles: KubernetesLevelRole[] = props.roles ?? (resolved ? CredentialRoles.kubernetesRoles(fleet, domain) : []);
    if (resolved) {
      CredentialRoles._checkCoverage(problems, path, 'roles', fleet, domain, levelRoles.map(r => r.level));
    }
    CredentialRoles._checkKubernetesRoles(problems, path, 'roles', levelRoles);
    problems.throwIfAny(path);

    const mountPath = resolved!.mountPath;
    const levels = CredentialRoles.requiredLevels(fleet, domain);
    this.serviceAccountNames = levels.map(l => TrustNames.kubernetesEngineServiceAccount(mountPath, l.name));
    this.rules = [
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: [...this.serviceAccountNames] },
    ];
    const name = `vault-${mountPath.replace(/[^a-z0-9]+/g, '-')}`.slice(0, TrustNames.MAX_DNS_LABEL).replace(/-+$/, '');
    const labels = { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', 'agent-trust.io/purpose': 'vault-kubernetes-engine' };
    this.namespace = TrustNames.kubernetesEngineNamespace(fleet.targetNamespaces);
    this.roles = [];
    this.roleBindings = [];
    this.serviceAccounts = [];
    this.levelRoles = [];
    this.levelRoleBindings = [];
    levels.forEach((level, i) => {
      this.serviceAccounts.push(new kplus.k8s.KubeServiceAccount(this, `ServiceAccount-${level.name}`, {
        metadata: { name: this.serviceAccountNames[i], namespace: this.namespace, labels: { ...labels, 'agent-trust.io/level': level.name } },
        automountServiceAccountToken: false,
      }));
    });
    for (const ns of fleet.targetNamespaces) {
      levels.forEach((level, i) => {
        const saName = this.serviceAccountNames[i];
        const entry = levelRoles.find(r => r.level?.name === level.name)!;
        const levelLabels = { ...labels, 'agent-trust.io/level': level.name };
        // The namespace in the name keeps every Role through cdk8s's per-resource output types.
        const levelRoleName = TrustNames.perNamespace(saName, ns);
        let roleRef: kplus.k8s.RoleRef;
        if (entry.kubernetesRoleName) {
          roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: entry.clusterRole ? 'ClusterRole' : 'Role', name: entry.kubernetesRoleName };
        } else {
          this.levelRoles.push(new kplus.k8s.KubeRole(this, `LevelRole-${ns}-${level.name}`, {
            metadata: { name: levelRoleName, namespace: ns, labels: levelLabels },
            rules: (entry.rules ?? []).map(r => VaultKubernetesEngineAccess.policyRule(r)),
          }));
          roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: levelRoleName };
        }
        this.levelRoleBindings.push(new kplus.k8s.KubeRoleBinding(this, `LevelBinding-${ns}-${level.name}`, {
          metadata: { name: levelRoleName, namespace: ns, labels: levelLabels },
          roleRef,
          subjects: [{ kind: 'ServiceAccount', name: saName, namespace: this.namespace }],
        }));
      });
    }
    // Vault may mint tokens only in the ServiceAccounts' namespace, only for them.
    const roleName = TrustNames.perNamespace(name, this.namespace);
    this.roles.push(new kplus.k8s.KubeRole(this, `Role-${this.namespace}`, {
      metadata: { name: roleName, namespace: this.namespace, labels },
      rules: this.rules.map(r => VaultKubernetesEngineAccess.policyRule(r)),
    }));
    this.roleBindings.push(new kplus.k8s.KubeRoleBinding(this, `Binding-${this.namespace}`, {
      metadata: { name: roleName, namespace: this.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: vaultSa, namespace: vaultNamespace }],
    }));
  }

  /** A rule as a Role's PolicyRule. */
  private static policyRule(r: KubernetesRule): kplus.k8s.PolicyRule {
    return { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) };
  }
}
