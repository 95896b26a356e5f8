import { LauncherContractDocument } from '../../model/launcher-contract';
import { ProtectedNamespace, TargetNamespaceRules } from '../../model/target-namespace-rules';
import { VerifyRule } from '../verify-rule';
import { ManifestIndex } from './manifest-index';
import { objectName, verifiedPhases, VerifyContext } from './verify-context';

/**
 * The protected namespaces a contract implies: Kubernetes' own, Vault's
 * (from the template's VAULT_ADDR), and every namespace each phase reaches
 * over the network (`namespace <ns> pods …` egress rows).
 */
function protectedOf(contract: LauncherContractDocument): ProtectedNamespace[] {
  const containers: any[] = contract.jobTemplate?.spec?.template?.spec?.containers ?? [];
  const env: any[] = containers.flatMap(c => (Array.isArray(c?.env) ? c.env : []));
  const vaultAddress = String(env.find(e => e?.name === 'VAULT_ADDR')?.value ?? '');
  const perPhase = contract.phases.map(p => new Set((p.egress ?? [])
    .map(e => /^namespace ([a-z0-9-]+)/.exec(e)?.[1]).filter((n): n is string => !!n)));
  const shared = perPhase.length > 0 ? [...perPhase[0]].filter(ns => perPhase.every(s => s.has(ns))) : [];
  return TargetNamespaceRules.protectedNamespaces(vaultAddress, shared);
}

/**
 * Issue #17: no agent target (contract `targetNamespaces`) and no phase
 * RoleBinding sits in a protected namespace.
 */
export function checkTargetNamespaces(ctx: VerifyContext): void {
  const reported = new Set<string>();
  const scanned = new Set<string>();
  const bindings = ManifestIndex.of(ctx.manifests).ofKind('RoleBinding');
  const phaseAccounts = new Map(verifiedPhases(ctx.contracts).map(r => [`${r.agentNamespace}/${r.serviceAccount}`, r]));
  for (const contract of ctx.contracts) {
    const guarded = protectedOf(contract);
    // The first protection of each namespace, as `guarded.find` gives it; most namespaces are in none.
    const hits = new Map<unknown, ProtectedNamespace>();
    for (const p of guarded) if (!hits.has(p.namespace)) hits.set(p.namespace, p);
    for (const ns of contract.targetNamespaces ?? []) {
      const hit = hits.get(ns);
      if (hit && !reported.has(`${contract.namespace}|${ns}`)) {
        reported.add(`${contract.namespace}|${ns}`);
        ctx.report(VerifyRule.TARGET_NAMESPACE_PROTECTED, `launcher contract of agent ${contract.agent}`,
          `target namespace "${ns}" ${hit.why}`, 'remove it from the fleet\'s targetNamespaces and re-synthesize');
      }
    }
    // Agents of one namespace with the same protections find the same bindings (reported once).
    const scan = `${contract.namespace}|${JSON.stringify(guarded)}`;
    if (scanned.has(scan)) continue;
    scanned.add(scan);
    for (const b of bindings) {
      const ns = b.metadata?.namespace;
      const hit = hits.get(ns);
      if (!hit) continue;
      const subjects = (b.subjects ?? []).filter((s: any) => s?.kind === 'ServiceAccount'
        && phaseAccounts.has(`${s.namespace ?? ns}/${s.name}`) && (s.namespace ?? ns) === contract.namespace);
      if (hit && subjects.length > 0 && !reported.has(objectName(b))) {
        reported.add(objectName(b));
        ctx.report(VerifyRule.TARGET_NAMESPACE_PROTECTED, objectName(b),
          `binds phase ServiceAccount ${subjects.map((s: any) => s.name).join(', ')} in "${ns}", which ${hit.why}`,
          'delete the RoleBinding and remove the namespace from the fleet\'s targetNamespaces');
      }
    }
  }
}
