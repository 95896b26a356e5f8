import { Testing } from 'cdk8s';
import {
  AdmissionApiVersion, AdmissionGuard, AgentFleet, AgentKubernetesTrust, AgentTrustErrors, EgressTarget, PodAdmissionRules, PodSecurityRestricted,
} from '../../lib';
import { twoAgentFleet } from '../helpers/k8s-fixtures';

const fleet = twoAgentFleet;

function synth(props: Omit<ConstructorParameters<typeof AgentKubernetesTrust>[2], 'fleet'>, f: AgentFleet): any[] {
  const chart = Testing.chart();
  new AgentKubernetesTrust(chart, 'Trust', { fleet: f, ...props });
  return Testing.synth(chart);
}

const kinds = (objs: any[]) => objs.map(o => `${o.kind}/${o.metadata.name}`).sort();

describe('AgentKubernetesTrust', () => {
  test('composes every object of a fleet: namespace, phases, policies, templates, launcher, admission', () => {
    const objs = synth({}, fleet());
    expect(kinds(objs)).toMatchSnapshot();
    expect(objs.filter(o => o.kind === 'ConfigMap').map(o => o.metadata.name).sort())
      .toEqual(['a-launcher-contract', 'agent-trust-ceilings', 'b-launcher-contract']);
    expect(objs.filter(o => o.kind === 'NetworkPolicy')).toHaveLength(3); // the 2 rendered phases (ceilings read-only, shadow) + namespace default deny
    expect(objs.filter(o => o.kind === 'Job')).toEqual([]);
    expect(objs.filter(o => o.kind === 'PrometheusRule')).toEqual([]);
  });

  test('the admission guards are on, wired to the launcher and the templates, and turn off only with a reason', () => {
    const chart = Testing.chart();
    const trust = new AgentKubernetesTrust(chart, 'Trust', { fleet: fleet(), additionalJobCreators: ['system:serviceaccount:ops:l2'] });
    expect(trust.admission.jobCreators).toEqual([trust.launcher.username, 'system:serviceaccount:ops:l2']);
    expect(PodAdmissionRules._shapesOf(trust.admission.contracts).map(p => p.agent)).toEqual(['a', 'b']);
    expect([trust.admission.podPolicy, trust.admission.tokenPolicy, trust.admission.connectPolicy, trust.admission.paramsPolicy]
      .every(p => p !== undefined)).toBe(true);
    expect(new AgentKubernetesTrust(Testing.chart(), 'T', { fleet: fleet(), promotionIdentities: ['system:serviceaccount:ci:promoter'] })
      .admission.promotionIdentities).toEqual(['system:serviceaccount:ci:promoter']);
    const off = synth({ disabledAdmissionGuards: [{ guard: AdmissionGuard.POD_CONNECT, reason: 'break-glass shells are audited elsewhere' }] }, fleet());
    const names = off.filter(o => o.kind === 'ValidatingAdmissionPolicy').map(o => o.metadata.name).sort();
    expect(names).toEqual(['agent-trust-admission-agents', 'agent-trust-admission-agents-params', 'agent-trust-admission-agents-pods', 'agent-trust-admission-agents-tokens']);
    expect(off.find(o => o.metadata.name === 'agent-trust-admission-agents').metadata.annotations)
      .toEqual({ 'agent-trust.io/guard-off.pod-connect': 'break-glass shells are audited elsewhere' });
    expect(() => synth({ disabledAdmissionGuards: [{ guard: AdmissionGuard.POD_CONNECT, reason: '' }] }, fleet())).toThrow(/disabledGuards\[0\]\.reason/);
    // Every guard can be turned off through the composite (the templates then shape nothing).
    const reason = 'another admission controller enforces these';
    const none = synth({ disabledAdmissionGuards: AdmissionGuard.all().map(guard => ({ guard, reason })) }, fleet());
    expect(none.filter(o => o.kind === 'ValidatingAdmissionPolicy').map(o => o.metadata.name)).toEqual(['agent-trust-admission-agents']);
  });

  test('without kubernetesApi: no API token in the template and no egress to the API server', () => {
    const objs = synth({}, fleet());
    const contract = JSON.parse(objs.find(o => o.metadata.name === 'a-launcher-contract').data['contract.json']);
    const pod = contract.jobTemplate.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('kube-api-access');
    for (const np of objs.filter(o => o.kind === 'NetworkPolicy')) {
      expect(JSON.stringify(np.spec.egress ?? [])).not.toContain('6443');
    }
  });

  test('with kubernetesApi: every template mounts a short-lived API token and every phase may reach the API server', () => {
    const objs = synth({}, fleet(EgressTarget.cidr('10.0.0.1/32', [{ port: 6443 }])));
    for (const cm of objs.filter(o => o.metadata.name.endsWith('-launcher-contract'))) {
      const pod = JSON.parse(cm.data['contract.json']).jobTemplate.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      const api = pod.volumes.find((v: any) => v.name === 'kube-api-access');
      expect(api.projected.sources[0].serviceAccountToken.expirationSeconds).toBe(600);
      expect(PodSecurityRestricted.check(pod, 'pod')).toEqual([]);
    }
    const phasePolicies = objs.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('agent-phase-'));
    expect(phasePolicies).toHaveLength(2); // rendered phases only
    for (const np of phasePolicies) {
      expect(np.spec.egress).toEqual(expect.arrayContaining([
        { ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] },
      ]));
    }
  });

  test('options: alerts, v1beta1 admission, runtime class and OTLP endpoint reach their constructs', () => {
    const objs = synth({
      alerts: true, admissionApiVersion: AdmissionApiVersion.V1BETA1, runtimeClassName: 'gvisor', otlpEndpoint: 'http://otel:4318',
    }, fleet());
    expect(objs.filter(o => o.kind === 'PrometheusRule')).toHaveLength(1);
    expect(objs.find(o => o.kind === 'ValidatingAdmissionPolicy').apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    const pod = JSON.parse(objs.find(o => o.metadata.name === 'b-launcher-contract').data['contract.json']).jobTemplate.spec.template.spec;
    expect(pod.runtimeClassName).toBe('gvisor');
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel:4318' }]));
  });

  test('a bad kubernetesApi target fails the fleet naming field and value', () => {
    try {
      fleet(EgressTarget.cidr('169.254.169.254/32', [{ port: 443 }]));
      throw new Error('accepted');
    } catch (e) {
      expect(AgentTrustErrors.problemsOf(e).map(p => `${p.path} ${p.field} ${p.value}`))
        .toEqual(['AgentFleet/kubernetesApi cidr "169.254.169.254/32"']);
    }
  });
});

describe('VaultKubernetesEngineAccess', () => {
  const { VaultKubernetesEngineAccess, EffectivePermissions, PermissionSet, CredentialRoles, Domain, SecretEngineKind } = require('../../lib');
  const f = new AgentFleet({
    namespace: 'agents', targetNamespaces: ['payments', 'checkout'],
    agents: [{ name: 'a', image: 'registry.example.com/a:1' }],
    // Every level's ServiceAccount, as when some agent reaches autonomous.
    renderAllPhases: true,
  });

  test('one ServiceAccount per level in the first target namespace, bound to its Role in each; Vault may only mint tokens for exactly those', () => {
    const chart = Testing.chart();
    const access = new VaultKubernetesEngineAccess(chart, 'Vault', { fleet: f });
    const objs = Testing.synth(chart);
    const levels = CredentialRoles.kubernetesRoles(f, Domain.APPLICATION);
    const names = levels.map((l: any) => `agents-application-${l.level.name}`);
    expect(access.serviceAccountNames).toEqual(names);
    expect(access.namespace).toBe('payments');
    expect(kinds(objs)).toEqual([
      'Role/vault-agents-application.payments',
      ...['checkout', 'payments'].flatMap(ns => names.map((n: string) => `Role/${n}.${ns}`)),
      'RoleBinding/vault-agents-application.payments',
      ...['checkout', 'payments'].flatMap(ns => names.map((n: string) => `RoleBinding/${n}.${ns}`)),
      ...names.map((n: string) => `ServiceAccount/${n}`),
    ].sort());
    expect(objs.filter((o: any) => o.kind === 'ServiceAccount').map((o: any) => o.metadata.namespace)).toEqual(['payments', 'payments', 'payments']);
    const perms = EffectivePermissions.fromManifests(objs);
    const vault = perms.forServiceAccount('vault', 'vault');
    for (const n of names) {
      expect(vault.allows('payments', '', 'serviceaccounts/token', 'create', n)).toBe(true);
      expect(vault.allows('checkout', '', 'serviceaccounts/token', 'create', n)).toBe(false);
    }
    expect(vault.toStrings()).toHaveLength(names.length);
    for (const ns of f.targetNamespaces) {
      // Any other ServiceAccount (a phase's, a workload's): no token; no RBAC writes, no ServiceAccount writes.
      expect(vault.allows(ns, '', 'serviceaccounts/token', 'create', 'agent-phase-autonomous')).toBe(false);
      expect(vault.allows(ns, '', 'serviceaccounts/token', 'create', 'default')).toBe(false);
      expect(vault.allows(ns, 'rbac.authorization.k8s.io', 'roles', 'create')).toBe(false);
      expect(vault.allows(ns, 'rbac.authorization.k8s.io', 'rolebindings', 'delete')).toBe(false);
      expect(vault.allows(ns, '', 'serviceaccounts', 'create')).toBe(false);
    }
    // Each level's ServiceAccount holds exactly its level's rules in every target namespace, nothing elsewhere.
    levels.forEach((level: any, i: number) => {
      const sa = perms.forServiceAccount('payments', names[i]);
      const want = PermissionSet.fromRules(level.rules, [...f.targetNamespaces]);
      expect(sa.missing(want)).toEqual([]);
      expect(want.missing(sa)).toEqual([]);
    });
    for (const sa of objs.filter((o: any) => o.kind === 'ServiceAccount')) {
      expect(sa.automountServiceAccountToken).toBe(false);
    }
  });

  test('a level bound to an existing ClusterRole; custom Vault identity; bad props fail naming field and value', () => {
    const chart = Testing.chart();
    new VaultKubernetesEngineAccess(chart, 'Vault', { fleet: f, vaultNamespace: 'hashicorp', vaultServiceAccountName: 'vault-server',
      roles: CredentialRoles.kubernetesRoles(f, Domain.APPLICATION).map((r: any) => ({ level: r.level, kubernetesRoleName: 'view', clusterRole: true })) });
    const objs = Testing.synth(chart);
    expect(objs.filter((o: any) => o.kind === 'Role').map((o: any) => o.metadata.name)).toEqual(['vault-agents-application.payments']);
    expect(objs.find((o: any) => o.metadata.name === 'agents-application-read-only.payments').roleRef)
      .toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
    expect(objs.find((o: any) => o.metadata.name === 'vault-agents-application.payments' && o.kind === 'RoleBinding').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'vault-server', namespace: 'hashicorp' }]);
    expect(() => new VaultKubernetesEngineAccess(Testing.chart(), 'Vault', { fleet: f, domain: Domain.DATABASE, vaultNamespace: 'Vault' }))
      .toThrow(/test\/Vault: domain = "database": is served by the "postgresql" engine, not the Kubernetes secrets engine[\s\S]*vaultNamespace = "Vault": is not an RFC 1123 DNS label/);
    const { AccessLevel, AgentTrustErrors } = require('../../lib');
    let problems: any[] = [];
    try {
      new VaultKubernetesEngineAccess(Testing.chart(), 'Vault', { fleet: f, roles: [
        { level: AccessLevel.READ_ONLY, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
        { level: AccessLevel.LIMITED_WRITE },
      ] });
    } catch (e) {
      problems = AgentTrustErrors.problemsOf(e);
    }
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'roles', message: expect.stringMatching(/level "autonomous"/) }),
      expect.objectContaining({ field: 'roles[1]', message: expect.stringMatching(/exactly one of rules or kubernetesRoleName/) }),
      expect.objectContaining({ field: expect.stringMatching(/^roles\[0\]\.rules/), message: expect.stringMatching(/secret/i) }),
    ]));
    expect(SecretEngineKind.KUBERNETES.name).toBe('kubernetes');
  });
});

describe('LauncherContractFiles', () => {
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const { App } = require('cdk8s');
  const { LauncherContractFiles, LauncherContractLoader, JobRenderer } = require('../../lib');

  test('writes every agent contract under <outdir>/contracts, loadable by the launcher and equal to the ConfigMap', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-'));
    try {
      const app = new App({ outdir });
      const chart = new (require('cdk8s').Chart)(app, 'c', { disableResourceNameHashes: true });
      new AgentKubernetesTrust(chart, 'Trust', { fleet: fleet() });
      app.synth();
      const written = LauncherContractFiles.write(app);
      expect(written.map((f: string) => path.relative(outdir, f))).toEqual([
        'contracts/agents.a.contract.json', 'contracts/agents.b.contract.json',
      ]);
      // kubectl apply -f <outdir> is not recursive: only manifests at the top level.
      expect(fs.readdirSync(outdir).sort()).toEqual(['c.k8s.yaml', 'contracts']);
      const fromFile = LauncherContractLoader.fromFile(written[0]);
      const fromConfigMap = LauncherContractLoader.fromDirectory(outdir, 'a');
      expect(fromFile).toEqual(fromConfigMap);
      expect(new JobRenderer(fromFile).render({ investigationId: 'inc-1', phase: 'read-only' }).metadata.name).toBe('investigation-inc-1');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('two templates for the same agent and namespace are refused naming the construct', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-'));
    try {
      const app = new App({ outdir });
      const { Chart } = require('cdk8s');
      const { AgentJobTemplate } = require('../../lib');
      const f = fleet();
      new AgentJobTemplate(new Chart(app, 'one'), 'Job', { fleet: f, agent: 'a' });
      new AgentJobTemplate(new Chart(app, 'two'), 'Job', { fleet: f, agent: 'a' });
      expect(() => LauncherContractFiles.write(app)).toThrow(/two\/Job: a contract for agent "a" in namespace "agents" was already written/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
