import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentFleet, CredentialRoles, Domain, KubernetesRule, TrustNames, SecretEngineKind } from '../model';
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
}

/**
 * The Kubernetes permissions Vault's Kubernetes secrets engine needs to mint
 * the application domain's dynamic credentials: in every target namespace,
 * create and delete ServiceAccounts, their tokens, Roles and RoleBindings —
 * and hold every rule it writes into those Roles (Kubernetes refuses to let a
 * subject create a Role granting more than it holds, and this construct does
 * not grant `escalate` or `bind` instead). Nothing cluster-wide, nothing in
 * other namespaces.
 *
 * These are Vault's permissions, not an agent's: the RBAC denylist, which
 * forbids `serviceaccounts/token` and RBAC writes for agents, does not apply.
 * @see https://developer.hashicorp.com/vault/docs/secrets/kubernetes
 */
export class VaultKubernetesEngineAccess extends Construct {
  /** The rules Vault holds in each target namespace. */
  public readonly rules: KubernetesRule[];
  /** One Role per target namespace. */
  public readonly roles: kplus.k8s.KubeRole[];
  /** One RoleBinding per target namespace. */
  public readonly roleBindings: kplus.k8s.KubeRoleBinding[];

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
    problems.throwIfAny(path);

    const generated = CredentialRoles.kubernetesRoles(fleet, domain).flatMap(r => r.rules ?? []);
    this.rules = [
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['create', 'delete'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create', 'delete'] },
      ...VaultKubernetesEngineAccess.merge(generated),
    ];
    const name = `vault-${resolved!.mountPath.replace(/[^a-z0-9]+/g, '-')}`.slice(0, TrustNames.MAX_DNS_LABEL).replace(/-+$/, '');
    const labels = { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', 'agent-trust.io/purpose': 'vault-kubernetes-engine' };
    this.roles = [];
    this.roleBindings = [];
    for (const ns of fleet.targetNamespaces) {
      // The namespace in the name keeps every Role through cdk8s's per-resource output types.
      const roleName = TrustNames.perNamespace(name, ns);
      this.roles.push(new kplus.k8s.KubeRole(this, `Role-${ns}`, {
        metadata: { name: roleName, namespace: ns, labels },
        rules: this.rules.map(r => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs,
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) })),
      }));
      this.roleBindings.push(new kplus.k8s.KubeRoleBinding(this, `Binding-${ns}`, {
        metadata: { name: roleName, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: vaultSa, namespace: vaultNamespace }],
      }));
    }
  }

  /** Identical rules once (the levels' rule sets overlap). */
  private static merge(rules: KubernetesRule[]): KubernetesRule[] {
    const seen = new Set<string>();
    return rules.filter(r => {
      const key = JSON.stringify([r.apiGroups, r.resources, r.verbs, r.resourceNames ?? []]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
