import { AdmissionRules } from '../../model/admission-rules';
import { EgressTarget } from '../../model/egress-target';
import { KubernetesRule } from '../../model/kubernetes-rule';
import { TrustNames } from '../../model/trust-names';
import { LauncherContract, LauncherContractDocument } from '../../model/launcher-contract';
import { RbacDenylist } from '../../model/rbac-denylist';
import { EffectivePermissions } from '../effective-permissions';
import { PodSecurityRestricted } from '../pod-security-restricted';
import { VerifyRule } from '../verify-rule';
import { ADMISSION_VERSIONS, covers } from './admission-match';
import { isDnsCachePeer } from './egress-invariants';
import { ManifestIndex } from './manifest-index';
import { ladderSteps, objectName, verifiedPhases, show, VerifyContext } from './verify-context';
import { InputRules } from '../../model/private/input-rules';

const LINK_LOCAL = EgressTarget.METADATA_CIDR;
/** The admission rules that tie a Job to the contract's names and the agent's ceiling. */
const REQUIRED_ADMISSION_RULES = [AdmissionRules.AGENT_KNOWN, AdmissionRules.PHASE_KNOWN, AdmissionRules.PHASE_WITHIN_CEILING,
  AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE];

/** Where a contract lives, for findings: the ConfigMap a user edits. */
export function contractObject(c: LauncherContractDocument): string {
  return `ConfigMap ${c.namespace}/${LauncherContract.configMapName(c.agent)}`;
}

/** Names: every phase's ServiceAccount exists in the agent namespace with token automount off. */
export function checkServiceAccounts(ctx: VerifyContext): void {
  for (const row of verifiedPhases(ctx.contracts)) {
    const sa = ctx.manifests.find(m => m.kind === 'ServiceAccount' && m.metadata?.name === row.serviceAccount
      && m.metadata?.namespace === row.agentNamespace);
    if (!sa) {
      const elsewhere = ctx.manifests.filter(m => m.kind === 'ServiceAccount' && m.metadata?.name === row.serviceAccount)
        .map(m => m.metadata?.namespace ?? '(no namespace)');
      ctx.report(VerifyRule.SA_MISSING, `ServiceAccount ${row.agentNamespace}/${row.serviceAccount}`,
        `phase "${row.name}" of agent(s) ${row.agents.join(', ')} runs as this ServiceAccount, but the Kubernetes output has none`
          + (elsewhere.length ? ` (found in namespace(s) ${elsewhere.join(', ')})` : ''),
        `emit it in namespace "${row.agentNamespace}" (LadderServiceAccounts / PhaseServiceAccount), or regenerate the contract`);
    } else if (sa.automountServiceAccountToken !== false) {
      ctx.report(VerifyRule.SA_AUTOMOUNT, objectName(sa),
        `automountServiceAccountToken is ${show(sa.automountServiceAccountToken)}, so every pod of the phase gets a Kubernetes API token by default`,
        'set automountServiceAccountToken: false (the Job uses a projected token for Vault only)');
    }
  }
}

/** The pod labels of an agent's Jobs in a phase (template labels plus the per-investigation ones). */
export function agentPodLabels(c: LauncherContractDocument, phase: string): { [key: string]: string } {
  return {
    ...(c.jobTemplate?.spec?.template?.metadata?.labels ?? {}),
    [LauncherContract.PHASE_LABEL]: phase,
    [LauncherContract.INVESTIGATION_LABEL]: 'x',
  };
}

/**
 * Whether a label selector selects pods labelled `labels`. The
 * investigation id differs per Job: with `every`, a test of it must hold for
 * every id (only `Exists` does); otherwise it may hold for some id (all but
 * `DoesNotExist` do). Policies that may allow traffic are checked with the
 * loose reading; a default deny counts only under the strict one.
 */
export function selects(selector: any, labels: { [key: string]: string }, every = false): boolean {
  const sel = selector ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (k === LauncherContract.INVESTIGATION_LABEL ? every : labels[k] !== v) {
      return false;
    }
  }
  for (const e of sel.matchExpressions ?? []) {
    const key = e?.key;
    const has = labels[key] !== undefined;
    const values: string[] = e?.values ?? [];
    if (key === LauncherContract.INVESTIGATION_LABEL) {
      if (e.operator === 'DoesNotExist' || (every && e.operator !== 'Exists')) {
        return false;
      }
      continue;
    }
    switch (e?.operator) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: break;
    }
  }
  return true;
}

/** The NetworkPolicies of a phase: in its namespace, selecting by its phase label (one value). */
export function phasePolicies(manifests: readonly any[], namespace: string, phase: string): any[] {
  return ManifestIndex.of(manifests).allIn('NetworkPolicy', namespace).filter(m =>
    (m.spec?.podSelector?.matchLabels?.[LauncherContract.PHASE_LABEL] === phase
      || (m.spec?.podSelector?.matchExpressions ?? []).some((e: any) => e?.key === LauncherContract.PHASE_LABEL
        && e.operator === 'In' && (e.values ?? []).length === 1 && e.values[0] === phase)));
}

/** Egress and ingress: per-phase policies exist; every policy selecting agent pods denies by default and blocks metadata. */
export function checkNetworkPolicies(ctx: VerifyContext): void {
  for (const row of verifiedPhases(ctx.contracts)) {
    const own = phasePolicies(ctx.manifests, row.agentNamespace, row.name);
    if (own.length === 0) {
      ctx.report(VerifyRule.EGRESS_POLICY_MISSING, `Namespace ${row.agentNamespace} phase ${row.name}`,
        `no NetworkPolicy selects ${LauncherContract.PHASE_LABEL}=${row.name}, so the phase's pods get only what other policies allow`,
        `emit its egress policy (PhaseNetworkPolicy for phase "${row.name}")`);
    }
  }
  // Policies are additive: a phase's pods are default-deny in a direction as
  // soon as one selecting policy lists that type, and every rule of a
  // selecting policy (of a listed type) adds what it allows.
  const policies = ctx.manifests.filter(m => m.kind === 'NetworkPolicy');
  const typesOf = (np: any): string[] => np.spec?.policyTypes ?? ['Ingress', ...(np.spec?.egress ? ['Egress'] : [])];
  const selecting = new Set<any>();
  for (const row of verifiedPhases(ctx.contracts)) {
    const contracts = ctx.contracts.filter(c => c.namespace === row.agentNamespace && row.agents.includes(c.agent));
    const chosen = policies.filter(np => np.metadata?.namespace === row.agentNamespace
      && contracts.some(c => selects(np.spec?.podSelector, agentPodLabels(c, row.name))));
    chosen.forEach(np => selecting.add(np));
    const always = chosen.filter(np => contracts.every(c => selects(np.spec?.podSelector, agentPodLabels(c, row.name), true)));
    for (const [type, rule] of [['Egress', VerifyRule.EGRESS_NOT_DENIED], ['Ingress', VerifyRule.INGRESS_NOT_DENIED]] as const) {
      if (!always.some(np => typesOf(np).includes(type))) {
        ctx.report(rule, `Namespace ${row.agentNamespace} phase ${row.name}`,
          `no NetworkPolicy selecting the phase's pods lists "${type}" in policyTypes (selecting: ${chosen.map(np => np.metadata?.name).join(', ') || 'none'}), so ${type.toLowerCase()} is not denied by default`,
          `list "${type}" in the policyTypes of the phase's policy (or of a namespace-wide default-deny policy)`);
      }
    }
  }
  for (const np of policies.filter(p => selecting.has(p))) {
    const spec = np.spec ?? {};
    const types = typesOf(np);
    const where = objectName(np);
    // Rules of a type the policy does not list are ignored by Kubernetes.
    (types.includes('Egress') ? spec.egress ?? [] : []).forEach((rule: any, i: number) => {
      if (!rule || !Array.isArray(rule.to) || rule.to.length === 0) {
        ctx.report(VerifyRule.EGRESS_NOT_DENIED, where,
          `spec.egress[${i}] = ${show(rule)} has no "to", so it allows every destination${rule?.ports ? ' on its ports' : ''}`,
          'name the destinations in "to" (namespace/pod selectors or ipBlocks), or remove the rule');
        return;
      }
      rule.to.forEach((peer: any, j: number) => {
        if (!peer?.ipBlock) {
          return;
        }
        const cidr = typeof peer.ipBlock.cidr === 'string' ? peer.ipBlock.cidr.trim() : '';
        if (!InputRules.parseIpv4Cidr(cidr)) {
          return;
        }
        const field = `spec.egress[${i}].to[${j}].ipBlock`;
        if (InputRules.ipv4Contains(LINK_LOCAL, cidr) && !isDnsCachePeer(rule, peer)) {
          ctx.report(VerifyRule.EGRESS_METADATA, where, `${field}.cidr ${show(peer.ipBlock.cidr)} lies inside ${LINK_LOCAL} (cloud metadata endpoints)`,
            'remove the rule: agents never talk to link-local addresses');
        } else if (InputRules.ipv4Contains(cidr, LINK_LOCAL)) {
          const excepted = (peer.ipBlock.except ?? []).some((e: unknown) =>
            typeof e === 'string' && InputRules.ipv4Contains(e.trim(), LINK_LOCAL));
          if (!excepted) {
            ctx.report(VerifyRule.EGRESS_METADATA, where,
              `${field}.cidr ${show(peer.ipBlock.cidr)} contains ${LINK_LOCAL} and except is ${show(peer.ipBlock.except)}, so pods reach the cloud metadata endpoint 169.254.169.254`,
              `add "${LINK_LOCAL}" to ${field}.except`);
          }
        }
      });
    });
    if (types.includes('Ingress') && (spec.ingress ?? []).length > 0) {
      ctx.report(VerifyRule.INGRESS_NOT_DENIED, where, `selects agent pods and allows ingress: spec.ingress = ${show(spec.ingress)}`,
        'set spec.ingress to [] (nothing connects to an investigation)');
    }
  }
}

/** Pod Security `restricted` and no API token on every pod template: contract templates and every workload object. */
export function checkPodTemplates(ctx: VerifyContext): void {
  const check = (object: string, spec: any, path: string, annotations: any): void => {
    for (const line of PodSecurityRestricted.check(spec, path, annotations)) {
      ctx.report(VerifyRule.POD_SECURITY, object, line,
        'restore the restricted security context (runAsNonRoot, seccomp RuntimeDefault, drop ALL, no privilege escalation)');
    }
    if (spec?.automountServiceAccountToken !== false) {
      ctx.report(VerifyRule.POD_AUTOMOUNT, object,
        `${path}.automountServiceAccountToken is ${show(spec?.automountServiceAccountToken)}, so the pod gets a Kubernetes API token`,
        `set ${path}.automountServiceAccountToken: false (Vault login uses the projected token)`);
    }
  };
  for (const c of ctx.contracts) {
    const tpl = c.jobTemplate?.spec?.template;
    check(contractObject(c), tpl?.spec, 'jobTemplate.spec.template.spec', tpl?.metadata?.annotations);
  }
  for (const m of ctx.manifests) {
    if (!PodSecurityRestricted.hasPodSpec(m)) {
      continue;
    }
    const path = m.kind === 'Pod' ? 'spec' : m.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec'
      : m.kind === 'PodTemplate' ? 'template.spec' : 'spec.template.spec';
    const spec = path.split('.').reduce((o: any, k) => o?.[k], m);
    const annotations = m.kind === 'Pod' ? m.metadata?.annotations
      : path.split('.').slice(0, -1).concat('metadata', 'annotations').reduce((o: any, k) => o?.[k], m);
    check(objectName(m), spec, path, annotations);
  }
}

/** Job deadline: the template's activeDeadlineSeconds is set and equals the contract's. */
export function checkJobDeadline(ctx: VerifyContext): void {
  for (const c of ctx.contracts) {
    const deadline = c.jobTemplate?.spec?.activeDeadlineSeconds;
    if (deadline !== c.jobDeadlineSeconds) {
      ctx.report(VerifyRule.JOB_DEADLINE, contractObject(c),
        `jobTemplate.spec.activeDeadlineSeconds is ${show(deadline)} but the contract's jobDeadlineSeconds (the admission maximum and the Vault TTL basis) is ${c.jobDeadlineSeconds}`,
        'set both from the fleet\'s jobDeadline (regenerate the contract)');
    }
  }
}

function toRule(raw: any): KubernetesRule {
  return {
    apiGroups: Array.isArray(raw?.apiGroups) ? raw.apiGroups : [],
    resources: Array.isArray(raw?.resources) ? raw.resources : [],
    verbs: Array.isArray(raw?.verbs) ? raw.verbs : [],
    resourceNames: Array.isArray(raw?.resourceNames) ? raw.resourceNames : undefined,
  };
}

/**
 * The denylist on every Role/ClusterRole bound to a ServiceAccount of an
 * agent namespace (the phases and the launcher). One exception is built
 * in: `create` on batch `jobs` granted by a RoleBinding in the agent
 * namespace to a ServiceAccount that is not a phase's — the launcher's
 * purpose, guarded by the admission policy. Overrides made in code are
 * invisible in the output; `allowDenied` accepts rule ids explicitly.
 */
export function checkRbacDenylist(ctx: VerifyContext): void {
  const namespaces = new Set(ctx.contracts.map(c => c.namespace));
  const phaseAccounts = new Set(verifiedPhases(ctx.contracts).map(r => `${r.agentNamespace}/${r.serviceAccount}`));
  const reported = new Set<string>();
  const index = ManifestIndex.of(ctx.manifests);
  // Every target namespace holds the same Roles: judge each distinct rule once.
  const violations = new Map<string, string[]>();
  const violationsOf = (rule: KubernetesRule): string[] => {
    const key = JSON.stringify(rule);
    let hits = violations.get(key);
    if (!hits) violations.set(key, hits = RbacDenylist.violationsOf(rule));
    return hits;
  };
  const bindings = ctx.manifests.filter(m => m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding');
  for (const b of bindings) {
    // Accounts of an agent namespace, and any account a RoleBinding empowers
    // inside one (a launcher may run in a namespace of its own).
    const inAgentNamespace = b.kind === 'RoleBinding' && namespaces.has(b.metadata?.namespace);
    const subjects = (b.subjects ?? []).filter((s: any) => s?.kind === 'ServiceAccount')
      .map((s: any) => ({ namespace: s.namespace ?? b.metadata?.namespace, name: s.name }))
      .filter((s: any) => inAgentNamespace || namespaces.has(s.namespace));
    if (subjects.length === 0) {
      continue;
    }
    const ref = b.roleRef ?? {};
    const role = ref.kind === 'ClusterRole'
      ? index.findNamed('ClusterRole', ref.name)
      : b.kind === 'RoleBinding' ? index.find('Role', b.metadata?.namespace, ref.name) : undefined;
    if (!role) {
      continue;
    }
    const launcherLike = inAgentNamespace && subjects.every((s: any) => !phaseAccounts.has(`${s.namespace}/${s.name}`));
    (role.rules ?? []).forEach((raw: any, i: number) => {
      const rule = toRule(raw);
      const hits = violationsOf(rule)
        .filter(h => !ctx.allowDenied.includes(h.split(':')[0]))
        .filter(h => !(launcherLike && h === 'create-workloads: create jobs'
          && rule.apiGroups.length > 0 && rule.apiGroups.every(g => g === 'batch')));
      const key = `${objectName(role)}|${i}|${hits.join(',')}`;
      if (hits.length === 0 || reported.has(key)) {
        return;
      }
      reported.add(key);
      const who = subjects.map((s: any) => `${s.namespace}/${s.name}`).join(', ');
      ctx.report(VerifyRule.RBAC_DENYLIST, objectName(role),
        `rules[${i}] (${RbacDenylist.describe(rule)}) reaches ServiceAccount ${who} through ${objectName(b)} and grants denylisted ${hits.join('; ')}`,
        'remove the permission; if it is a reviewed override, pass its deny rule id to --allow-denied');
    });
  }
}

/** Phase monotonicity of the effective Kubernetes permissions, in contract order. */
export function checkKubernetesMonotonic(ctx: VerifyContext): void {
  const index = ManifestIndex.of(ctx.manifests);
  const rows = verifiedPhases(ctx.contracts);
  // A grant covers only grants of its own scope (namespace, or the cluster
  // for ClusterRoleBindings), so the comparison runs scope by scope: the
  // whole sets hold a string per target namespace and grant (20 MiB and
  // most of this check's time at 1,000 namespaces); the result, sorted, is the same.
  const clusterRbac = [...index.ofKind('ClusterRoleBinding'), ...index.ofKind('ClusterRole')];
  const clusterRoles = index.ofKind('ClusterRole');
  const missingBetween = (namespace: string, lowerAccount: string, higherAccount: string): string[] => {
    const out: string[] = [];
    const compare = (objects: readonly any[]): void => {
      const perms = EffectivePermissions.fromManifests([...objects]);
      out.push(...perms.forServiceAccount(namespace, higherAccount).missing(perms.forServiceAccount(namespace, lowerAccount)));
    };
    // Target namespaces usually hold the same Roles: a scope whose rules (lower's, higher's, in
    // binding order) were judged already takes that verdict with its own name. Every grant
    // compared here has the scope's name as its first field, so only the prefix differs.
    const verdicts = new Map<string, { scope: string; missing: string[] }>();
    const higherBindings = index.roleBindingsByNamespace(higherAccount, namespace);
    for (const [scope, lowerBindings] of index.roleBindingsByNamespace(lowerAccount, namespace)) {
      const objects = [...lowerBindings, ...(higherBindings.get(scope) ?? []), ...index.allIn('Role', scope), ...clusterRoles];
      if (typeof scope !== 'string' || scope.includes('|')) {
        compare(objects);
        continue;
      }
      const perms = EffectivePermissions.fromManifests(objects);
      const key = JSON.stringify([perms.rulesOf(namespace, lowerAccount).map(r => r.rule), perms.rulesOf(namespace, higherAccount).map(r => r.rule)]);
      const known = verdicts.get(key);
      if (known) {
        out.push(...known.missing.map(m => `${scope}${m.slice(known.scope.length)}`));
        continue;
      }
      const missing = perms.forServiceAccount(namespace, higherAccount).missing(perms.forServiceAccount(namespace, lowerAccount));
      if (missing.every(m => m.startsWith(`${scope}: `))) verdicts.set(key, { scope, missing });
      out.push(...missing);
    }
    compare(clusterRbac);
    return out.sort();
  };
  for (const step of ladderSteps(ctx.contracts)) {
    const lower = rows.find(r => r.agentNamespace === step.namespace && r.name === step.lower)!;
    const higher = rows.find(r => r.agentNamespace === step.namespace && r.name === step.higher)!;
    const missing = missingBetween(step.namespace, lower.serviceAccount, higher.serviceAccount);
    if (missing.length > 0) {
      ctx.report(VerifyRule.MONOTONIC_K8S, `ServiceAccount ${step.namespace}/${higher.serviceAccount}`,
        `phase "${step.higher}" lacks ${missing.length} grant(s) of the phase below ("${step.lower}"): ${missing.join('; ')}`,
        `grant them to "${step.higher}" too (each phase holds everything the phase below holds), or drop them from "${step.lower}"`);
    }
  }
}

/** No Secret objects. */
export function checkSecretObjects(ctx: VerifyContext): void {
  for (const m of ctx.manifests.filter(o => o.kind === 'Secret')) {
    ctx.report(VerifyRule.K8S_SECRET, objectName(m),
      'a Secret object puts credentials at rest in etcd and in the synthesized files',
      'remove it: agents read credentials from Vault with their phase token');
  }
}

/** Whether a policy's match constraints cover batch/v1 Job creation in `namespace`. */
/**
 * The admission policy of every agent namespace: a ValidatingAdmissionPolicy
 * (v1 or v1beta1) covering Job creation there, a binding to it with params,
 * the params ConfigMap, and params agreeing with every contract.
 */
export function checkAdmission(ctx: VerifyContext): void {
  for (const namespace of [...new Set(ctx.contracts.map(c => c.namespace))]) {
    // The params rank every phase of the ladder, rendered or not.
    const contracts = ctx.ladderContracts.filter(c => c.namespace === namespace);
    const policies = ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && ADMISSION_VERSIONS.includes(m.apiVersion)
      && covers(m, namespace, { group: 'batch', resource: 'jobs', operation: 'CREATE' }));
    const where = `Namespace ${namespace}`;
    if (policies.length === 0) {
      ctx.report(VerifyRule.ADMISSION_MISSING, where,
        `no ValidatingAdmissionPolicy (${ADMISSION_VERSIONS.join(' or ')}) matches Job creation in namespace "${namespace}", so a launcher could start any phase`,
        'emit TrustPhaseAdmission for the fleet');
      continue;
    }
    const bound = policies.flatMap(p => ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicyBinding'
      && ADMISSION_VERSIONS.includes(m.apiVersion) && m.spec?.policyName === p.metadata?.name).map(b => ({ policy: p, binding: b })));
    if (bound.length === 0) {
      ctx.report(VerifyRule.ADMISSION_MISSING, objectName(policies[0]),
        'has no ValidatingAdmissionPolicyBinding, so it is never enforced',
        'emit its binding (TrustPhaseAdmission creates both)');
      continue;
    }
    for (const { policy, binding } of bound) {
      const ruleIds = (policy.spec?.validations ?? []).map((v: any) => AdmissionRules.ruleIdOf(String(v?.message ?? '')));
      const absent = REQUIRED_ADMISSION_RULES.filter(id => !ruleIds.includes(id));
      if (absent.length > 0) {
        ctx.report(VerifyRule.ADMISSION_MISSING, objectName(policy),
          `lacks the validation(s) ${absent.join(', ')} (found: ${ruleIds.filter((x: unknown) => x).join(', ') || 'none'}), so Jobs are not tied to their phase's ServiceAccount and the agent's ceiling`,
          'restore the rules (TrustPhaseAdmission emits them; their messages start with "agent-trust [<rule id>]: ")');
      }
      const actions: string[] = binding.spec?.validationActions ?? [];
      if (!actions.includes('Deny')) {
        ctx.report(VerifyRule.ADMISSION_NOT_ENFORCED, objectName(binding), `validationActions is ${show(actions)}: violations are not denied`,
          'use AdmissionEnforcement.DENY (the default) once the rules are proven');
      }
      if (policy.spec?.failurePolicy === 'Ignore') {
        ctx.report(VerifyRule.ADMISSION_NOT_ENFORCED, objectName(policy), 'failurePolicy is "Ignore": a rule error or missing params admits the Job',
          'use AdmissionFailurePolicy.FAIL (the default)');
      }
      const ref = binding.spec?.paramRef;
      if (!policy.spec?.paramKind || !ref?.name) {
        ctx.report(VerifyRule.ADMISSION_MISSING, objectName(binding), 'has no paramRef, so no agent ceiling is enforced',
          `reference the params ConfigMap ${AdmissionRules.PARAMS_NAME} in namespace ${namespace}`);
        continue;
      }
      if (ref.parameterNotFoundAction !== 'Deny') {
        ctx.report(VerifyRule.ADMISSION_MISSING, objectName(binding),
          `paramRef.parameterNotFoundAction is ${show(ref.parameterNotFoundAction)}: a deleted params ConfigMap would admit every Job`,
          'set paramRef.parameterNotFoundAction: Deny');
      }
      const paramsNs = ref.namespace ?? namespace;
      const params = ctx.manifests.find(m => m.kind === 'ConfigMap' && m.metadata?.name === ref.name && m.metadata?.namespace === paramsNs);
      if (!params) {
        ctx.report(VerifyRule.ADMISSION_MISSING, `ConfigMap ${paramsNs}/${ref.name}`,
          `the params ConfigMap ${objectName(binding)} reads is not in the output, so every Job is denied (or admitted when params are optional)`,
          'emit it (TrustPhaseAdmission creates it with every agent\'s ceiling)');
        continue;
      }
      const data = params.data ?? {};
      const ranksReported = new Set<string>();
      for (const c of contracts) {
        const key = AdmissionRules.ceilingKey(c.agent);
        if (data[key] !== c.ceiling) {
          ctx.report(VerifyRule.ADMISSION_CEILING, objectName(params),
            `data.${key} is ${show(data[key])} but agent "${c.agent}"'s contract ceiling is "${c.ceiling}"`,
            'promote or demote in code so the contract and the admission params change together (one reviewed change)');
        }
        c.phases.forEach((p, i) => {
          const rank = AdmissionRules.rankKey(p.name);
          if (data[rank] !== String(i) && !ranksReported.has(rank)) {
            ranksReported.add(rank);
            ctx.report(VerifyRule.ADMISSION_CEILING, objectName(params),
              `data.${rank} is ${show(data[rank])} but phase "${p.name}" is number ${i} (from 0) in agent "${c.agent}"'s contract`,
              'regenerate the params from the same ladder as the contract');
          }
        });
      }
    }
  }
}

/**
 * RBAC per target namespace: a phase bound in one target namespace is bound
 * in every one, and every binding's Role is in the output. Catches output
 * that lost objects (a cdk8s output type that overwrote same-named Roles of
 * different namespaces, a file left out of `kubectl apply`): the agent
 * would silently hold fewer permissions in some namespaces than reviewed.
 * Target namespaces come from the contract (`targetNamespaces`), else from
 * the RoleBindings found. A phase bound nowhere holds no namespaced rules.
 */
export function checkPhaseRbac(ctx: VerifyContext): void {
  const index = ManifestIndex.of(ctx.manifests);
  const bindings = index.ofKind('RoleBinding');
  // Agents of one namespace share the phase accounts and usually the targets:
  // judge each (account, targets) once, report per agent.
  const judged = new Map<string, { present: string[]; absent: string[]; dangling: Array<{ binding: any; ns: string }> }>();
  const judge = (agentNs: string, sa: string, targets: string[]): { present: string[]; absent: string[]; dangling: Array<{ binding: any; ns: string }> } => {
    const key = JSON.stringify([agentNs, sa, targets]);
    let found = judged.get(key);
    if (!found) {
      const bound = index.roleBindingsByNamespace(sa, agentNs);
      const present = targets.filter(ns => bound.has(ns));
      const isPresent = new Set(present);
      const dangling: Array<{ binding: any; ns: string }> = [];
      for (const ns of present) {
        for (const b of bound.get(ns)!) {
          const ref = b.roleRef ?? {};
          const role = ref.kind === 'ClusterRole' ? index.findNamed('ClusterRole', ref.name) : index.find('Role', ns, ref.name);
          if (role === undefined) dangling.push({ binding: b, ns });
        }
      }
      found = { present, absent: targets.filter(t => !isPresent.has(t)), dangling };
      judged.set(key, found);
    }
    return found;
  };
  for (const c of ctx.contracts) {
    const accounts = c.phases.map(p => p.serviceAccount);
    const inferred = (): string[] => [...new Set(bindings.filter(b => b.metadata?.namespace !== c.namespace && Array.isArray(b.subjects)
      && b.subjects.some((s: any) => s?.kind === 'ServiceAccount' && accounts.includes(s.name) && (s.namespace ?? b.metadata?.namespace) === c.namespace))
      .map(b => String(b.metadata?.namespace)))].sort();
    const targets: string[] = Array.isArray(c.targetNamespaces) ? c.targetNamespaces : inferred();
    for (const p of c.phases) {
      const { present, absent, dangling } = judge(c.namespace, p.serviceAccount, targets);
      if (present.length === 0) {
        continue;
      }
      for (const ns of absent) {
        ctx.report(VerifyRule.PHASE_RBAC_MISSING, `RoleBinding ${ns}/${TrustNames.perNamespace(p.serviceAccount, ns)}`,
          `phase "${p.name}" of agent ${c.agent} is bound in ${present.join(', ')} but has no RoleBinding in target namespace "${ns}"`,
          'emit every Role and RoleBinding of the phase (PhaseServiceAccount); with cdk8s FILE_PER_RESOURCE output, regenerate with cdk-agent-trust names that are unique per namespace');
      }
      for (const { binding: b, ns } of dangling) {
        const ref = b.roleRef ?? {};
        ctx.report(VerifyRule.PHASE_RBAC_MISSING, `${ref.kind === 'ClusterRole' ? 'ClusterRole ' : `Role ${ns}/`}${ref.name}`,
          `${objectName(b)} grants phase "${p.name}" of agent ${c.agent} this ${ref.kind ?? 'role'}, but the Kubernetes output has none`,
          'emit the Role next to its RoleBinding (regenerate the output; check that no file was left out or overwritten)');
      }
    }
  }
}
