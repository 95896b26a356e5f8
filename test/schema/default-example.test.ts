import { Chart, Testing } from 'cdk8s';
import {
  AdmissionRules, AgentFleet, AgentJobTemplate, EffectivePermissions, EgressTarget, LauncherContract, LauncherContractDocument, PermissionSet, PhaseNetworkPolicy,
  PodSecurityRestricted, RbacDenylist, ResourceQuantity,
} from '../../lib';
import { defaultFleet } from '../../examples/default/fleet';
import { defaultChart } from '../../examples/default/k8s';
import { knownKinds, validateManifest } from '../helpers/k8s-schema';
import { objectDigests, rbacLines } from '../helpers/summary';

const manifests: any[] = Testing.synth(defaultChart(Testing.app()));
const fleet: AgentFleet = defaultFleet();

function contractOf(agent: string): LauncherContractDocument {
  const cm = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === LauncherContract.configMapName(agent));
  return JSON.parse(cm.data[LauncherContract.CONFIGMAP_KEY]);
}

describe('default example: Kubernetes schemas (kubernetes-models 4.5.1)', () => {
  test('the example emits every kind the issue asks for', () => {
    const counts: { [kind: string]: number } = {};
    for (const m of manifests) {
      counts[m.kind] = (counts[m.kind] ?? 0) + 1;
    }
    // The alerts (PrometheusRule) and the dashboard ConfigMap are checked in test/observability; counted apart here.
    expect(counts.PrometheusRule).toBe(1);
    expect(manifests.filter(m => m.metadata.labels?.grafana_dashboard === '1')).toHaveLength(1);
    counts.ConfigMap -= 1;
    expect(counts).toMatchObject({
      Namespace: 1, ResourceQuota: 1, LimitRange: 1,
      // Identities only up to the ceiling read-only: shadow and read-only, and the read-only credential level.
      ServiceAccount: 4, // two rendered phases + the launcher + 1 credential level (the Kubernetes engine's, in the first target namespace)
      Role: 8, RoleBinding: 8, // 2 phases × 2 target namespaces + launcher + Vault's engine access + 1 credential level × 2
      ClusterRole: 1, ClusterRoleBinding: 1, // read-only reads nodes/namespaces
      NetworkPolicy: 3, // default deny + one per rendered phase
      ConfigMap: 3, // the diagnostics contract + the admission params + the egress proxy's allowlist
      // Jobs, Pods, token requests, exec/attach/port-forward.
      ValidatingAdmissionPolicy: 5,
      ValidatingAdmissionPolicyBinding: 5,
    });
    expect(counts.Job).toBeUndefined(); // the template must never be applied as a Job
  });

  test.each(manifests.map(m => [`${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`, m]))('%s validates', (_, manifest) => {
    expect(() => validateManifest(manifest)).not.toThrow();
  });

  test('every namespaced object names its namespace; cluster-scoped ones carry none', () => {
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
    for (const m of manifests) {
      if (clusterScoped.includes(m.kind)) {
        expect(m.metadata.namespace).toBeUndefined();
      } else {
        // The egress proxy's allowlist lives beside the proxy, which mounts it.
        expect([fleet.namespace, ...fleet.targetNamespaces, fleet.hostnameEnforcement!.proxy!.namespace]).toContain(m.metadata.namespace);
      }
    }
  });

  test('names are unique per kind and namespace', () => {
    const keys = manifests.map(m => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('the validator fails on a kind it does not know, and on a schema error', () => {
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }))
      .toThrow('no schema for v1/Secret /s: unknown kind "v1/Secret"');
    expect(() => validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/unknown kind/);
    expect(() => validateManifest({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ image: 'x:1' }] } } } }))
      .toThrow(/Job \/j fails its schema: .*name/);
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: { value: '1' } } } }))
      .toThrow(/fails its schema/);
    expect(knownKinds()).toContain('batch/v1/Job');
  });

  test('each contract\'s jobTemplate is a valid Job once the renderer names it', () => {
    for (const agent of fleet.agents) {
      const template = JSON.parse(JSON.stringify(contractOf(agent.name).jobTemplate));
      template.metadata.name = 'investigation-schema-check';
      expect(() => validateManifest(template)).not.toThrow();
      // The schema check has teeth on the template too.
      template.spec.backoffLimit = 'zero';
      expect(() => validateManifest(template)).toThrow(/backoffLimit/);
    }
  });
});

describe('default example: effective RBAC per phase', () => {
  const perms = EffectivePermissions.fromManifests(manifests);

  test('no binding points to a missing role', () => {
    expect(perms.danglingBindings()).toEqual([]);
  });

  test('each phase holds exactly its ladder rules, in every target namespace and cluster-wide', () => {
    for (const phase of fleet.renderedPhases) {
      const effective = perms.forServiceAccount(fleet.namespace, `agent-phase-${phase.name}`);
      const expected = PermissionSet.fromRules(fleet.ladder.definition(phase).kubernetesRules, fleet.targetNamespaces);
      expect(effective.toStrings()).toEqual(expected.toStrings());
      expect(effective.toStrings().some(s => s.startsWith(`${fleet.namespace}: `))).toBe(false); // nothing in the agent namespace itself
    }
  });

  test('phases are monotonic: each grants everything the phase below grants, and more', () => {
    const sets = fleet.renderedPhases.map(p => perms.forServiceAccount(fleet.namespace, `agent-phase-${p.name}`));
    for (let i = 1; i < sets.length; i++) {
      expect(sets[i].missing(sets[i - 1])).toEqual([]);
      expect(sets[i].addedOver(sets[i - 1]).length).toBeGreaterThan(0);
    }
  });

  test('no phase holds a denylisted permission', () => {
    for (const phase of fleet.renderedPhases) {
      for (const { rule } of perms.rulesOf(fleet.namespace, `agent-phase-${phase.name}`)) {
        expect(RbacDenylist.violationsOf(rule)).toEqual([]);
      }
      const set = perms.forServiceAccount(fleet.namespace, `agent-phase-${phase.name}`);
      for (const ns of fleet.targetNamespaces) {
        for (const verb of ['get', 'list', 'watch']) {
          expect(set.allows(ns, '', 'secrets', verb)).toBe(false);
        }
        expect(set.allows(ns, '', 'pods/exec', 'create')).toBe(false);
        expect(set.allows(ns, '', 'pods', 'create')).toBe(false);
      }
    }
  });

  test('the launcher reaches only Jobs and its contract ConfigMaps in the agent namespace', () => {
    const launcher = perms.forServiceAccount(fleet.namespace, 'agent-launcher');
    expect(launcher.toStrings()).toEqual([
      'agents: create batch/jobs', 'agents: get batch/jobs',
      'agents: get core/configmaps "diagnostics-launcher-contract"', 'agents: list batch/jobs',
      'agents: list core/configmaps "diagnostics-launcher-contract"', 'agents: watch batch/jobs',
      'agents: watch core/configmaps "diagnostics-launcher-contract"',
    ]);
  });
});

describe('default example: Pod Security restricted', () => {
  const podSpecs = [
    ...manifests.filter(m => PodSecurityRestricted.hasPodSpec(m)).map(m => ({ name: `${m.kind} ${m.metadata.name}`, manifest: m })),
    ...fleet.agents.map(a => {
      const t = JSON.parse(JSON.stringify(contractOf(a.name).jobTemplate));
      t.metadata.name = 'investigation-x';
      return { name: `contract ${a.name} jobTemplate`, manifest: t };
    }),
  ];

  test('there is at least one pod spec to check (the contract templates)', () => {
    expect(podSpecs.length).toBeGreaterThanOrEqual(fleet.agents.length);
  });

  test.each(podSpecs.map(p => [p.name, p.manifest]))('%s passes the restricted profile', (_, manifest) => {
    expect(PodSecurityRestricted.checkManifest(manifest)).toEqual([]);
  });

  test('a tampered template fails it', () => {
    const t = JSON.parse(JSON.stringify(contractOf('diagnostics').jobTemplate));
    delete t.spec.template.spec.securityContext.seccompProfile;
    t.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    const problems = PodSecurityRestricted.checkManifest(t);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('seccompProfile.type: must be RuntimeDefault or Localhost');
    expect(problems.join('\n')).toContain('allowPrivilegeEscalation: must be false');
  });
});

describe('default example: no secret material', () => {
  test('no Secret objects and no credential-looking values', () => {
    expect(manifests.some(m => m.kind === 'Secret')).toBe(false);
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/password|BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}/i);
  });

  test('snapshot of the chart (the admission objects, alerts and dashboard are snapshotted by their own tests)', () => {
    const admission = manifests.filter(m => m.kind.startsWith('ValidatingAdmissionPolicy')
      || (m.kind === 'ConfigMap' && m.metadata.name === AdmissionRules.PARAMS_NAME));
    expect(admission).toHaveLength(11);
    const observability = manifests.filter(m => m.kind === 'PrometheusRule' || m.metadata.labels?.grafana_dashboard === '1');
    expect(observability).toHaveLength(2);
    const chart = manifests.filter(m => !admission.includes(m) && !observability.includes(m));
    // Every byte through the digests; the egress table and the RBAC readably (the other fields are asserted above and in test/k8s).
    expect(objectDigests(chart)).toMatchSnapshot();
    expect(rbacLines(chart)).toMatchSnapshot();
    expect(chart.filter(m => m.kind === 'NetworkPolicy').map(np => `${np.metadata.name}: ${(np.spec.egress ?? []).map((r: any) =>
      `${(r.ports ?? []).map((p: any) => `${p.port}/${p.protocol}`).join('+')}→${(r.to ?? []).map((t: any) => t.ipBlock?.cidr
        ?? `${Object.values(t.namespaceSelector?.matchLabels ?? {}).join(',')}:${Object.entries(t.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`).join('|')}`).join('; ')}`))
      .toMatchSnapshot();
  });
});

describe('every option switched on still validates and stays restricted', () => {
  test('Job template with injector, runtime class, API token, OTLP endpoint and a custom DNS/API egress', () => {
    const chart = new Chart(Testing.app(), 'all-options', { disableResourceNameHashes: true });
    const template = new AgentJobTemplate(chart, 'Job', {
      fleet, agent: 'diagnostics', vaultAgentInjector: true, runtimeClassName: 'gvisor', kubernetesApiToken: true,
      otlpEndpoint: 'http://otel-collector.observability.svc:4318', failJobExitCodes: [2, 64, 78],
    });
    for (const phase of fleet.renderedPhases) {
      new PhaseNetworkPolicy(chart, `Net-${phase.name}`, { fleet, phase, apiServer: EgressTarget.cidr('10.0.0.10/32', [{ port: 6443 }]) });
    }
    const out = Testing.synth(chart);
    for (const m of out) {
      expect(() => validateManifest(m)).not.toThrow();
    }
    const job = template.exampleJob;
    expect(() => validateManifest(job)).not.toThrow();
    expect(PodSecurityRestricted.checkManifest(job)).toEqual([]);
    const doc = template.contract;
    for (const p of doc.phases) {
      // The renderer merges these into the pod template: they must be valid annotations.
      const withAnnotations = JSON.parse(JSON.stringify(doc.jobTemplate));
      withAnnotations.metadata.name = 'investigation-x';
      Object.assign(withAnnotations.spec.template.metadata.annotations, p.podAnnotations);
      expect(() => validateManifest(withAnnotations)).not.toThrow();
      for (const key of Object.keys(p.podAnnotations ?? {})) {
        expect(key).toMatch(/^vault\.hashicorp\.com\/[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/);
      }
    }
  });
});

describe('default example: the Job template fits the namespace guardrails', () => {
  test('container resources are within the LimitRange maximum, and concurrency × requests within the quota', () => {
    const limitRange = manifests.find(m => m.kind === 'LimitRange').spec.limits[0];
    const quota = manifests.find(m => m.kind === 'ResourceQuota').spec.hard;
    const q = (text: string): number => ResourceQuantity.parse(text);
    for (const agent of fleet.agents) {
      const resources = contractOf(agent.name).jobTemplate.spec.template.spec.containers[0].resources;
      for (const r of ['cpu', 'memory']) {
        expect(q(resources.limits[r])).toBeLessThanOrEqual(q(limitRange.max[r]));
        expect(q(resources.requests[r]) * fleet.maxConcurrentInvestigations).toBeLessThanOrEqual(q(quota[`requests.${r}`]));
        expect(q(resources.limits[r]) * fleet.maxConcurrentInvestigations).toBeLessThanOrEqual(q(quota[`limits.${r}`]));
      }
    }
    expect(Number(quota.pods)).toBe(fleet.maxConcurrentInvestigations);
  });
});
