import { ApiObject, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AgentFleet, AgentJobTemplate, TrustDuration, LauncherContract, LauncherContractDocument, PodSecurityRestricted, TrustPhase,
} from '../../lib';
import { errorOf, fleetProps, ofKind, testChart, testFleet } from '../helpers/k8s-fixtures';

function synthTemplate(props: Partial<ConstructorParameters<typeof AgentJobTemplate>[2]> = {}) {
  const chart = testChart();
  const template = new AgentJobTemplate(chart, 'Job', { fleet: testFleet(), agent: 'diagnostics', ...props });
  const out = Testing.synth(chart);
  const configMap = ofKind(out, 'ConfigMap')[0];
  const doc: LauncherContractDocument = JSON.parse(configMap.data[LauncherContract.CONFIGMAP_KEY]);
  return { template, out, configMap, doc, job: template.exampleJob };
}

function envOf(job: any): { [name: string]: string } {
  return Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
}

describe('AgentJobTemplate', () => {
  test('emits only the contract ConfigMap, never the Job', () => {
    const { out, configMap } = synthTemplate();
    expect(out.map(o => o.kind)).toEqual(['ConfigMap']);
    expect(configMap.metadata).toEqual({
      name: 'diagnostics-launcher-contract',
      namespace: 'agents',
      labels: {
        'agent-trust.io/launcher-contract': 'true',
        'agent-trust.io/agent': 'diagnostics',
        'app.kubernetes.io/managed-by': 'cdk-agent-trust',
      },
    });
    expect(Object.keys(configMap.data)).toEqual(['contract.json']);
  });

  test('the example Job is the seed Job exactly', () => {
    const { job } = synthTemplate();
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.metadata.name).toBe('investigation-template');
    expect(job.metadata.namespace).toBe('agents');
    const labels = { 'app': 'autonomous-diagnostics', 'agent-trust.io/agent': 'diagnostics', 'investigation-id': 'template', 'trust-phase': 'shadow' };
    expect(job.metadata.labels).toEqual(labels);
    expect(job.spec.template.metadata.labels).toEqual(labels);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(900);
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('agent-phase-shadow');
    const container = pod.containers[0];
    expect(container.name).toBe('agent');
    expect(container.image).toBe('registry.example.com/agents/diagnostics:1.4.2');
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(envOf(job).INVESTIGATION_ID).toBe('template');
  });

  test('the pod is hardened to Pod Security restricted', () => {
    const { job } = synthTemplate();
    const pod = job.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBe(false);
    expect(PodSecurityRestricted.checkManifest(job)).toEqual([]);
  });

  test('a projected audience-bound token, memory-backed scratch and /tmp, Vault and OpenTelemetry env', () => {
    const { job, template } = synthTemplate({ otlpEndpoint: 'http://otel-collector.observability.svc:4318' });
    const pod = job.spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'vault-token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }] } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'vault-token', mountPath: '/var/run/secrets/vault', readOnly: true },
    ]);
    expect(template.tokenPath).toBe('/var/run/secrets/vault/token');
    expect(envOf(job)).toMatchObject({
      VAULT_ADDR: 'https://vault.vault.svc:8200',
      VAULT_AUTH_MOUNT: 'kubernetes-agents',
      VAULT_AUTH_METHOD: 'kubernetes',
      VAULT_K8S_TOKEN_PATH: '/var/run/secrets/vault/token',
      OTEL_SERVICE_NAME: 'diagnostics',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318',
      TRUST_PHASE: 'shadow',
      VAULT_ROLE: 'agent-phase-shadow',
      OTEL_RESOURCE_ATTRIBUTES: 'investigation.id=template,agent.trust_phase=shadow',
    });
  });

  test('pod failure policy: disruptions are ignored, configuration exit codes fail the Job', () => {
    const { job } = synthTemplate({ failJobExitCodes: [78, 64, 2] });
    expect(job.spec.podFailurePolicy).toEqual({
      rules: [
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        { action: 'FailJob', onExitCodes: { containerName: 'agent', operator: 'In', values: [2, 64, 78] } },
      ],
    });
    const none = synthTemplate({ failJobExitCodes: [] }).job;
    expect(none.spec.podFailurePolicy.rules).toEqual([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]);
  });

  test('no runtimeClassName or injector annotations unless asked', () => {
    const { job, doc } = synthTemplate();
    expect(job.spec.template.spec.runtimeClassName).toBeUndefined();
    expect(job.spec.template.metadata.annotations).toBeUndefined();
    expect(doc.phases.every(p => p.podAnnotations === undefined)).toBe(true);
  });

  test('runtimeClassName and Vault Agent injector in pre-populate-only mode', () => {
    const { job, doc } = synthTemplate({ runtimeClassName: 'gvisor', vaultAgentInjector: true });
    expect(job.spec.template.spec.runtimeClassName).toBe('gvisor');
    expect(job.spec.template.metadata.annotations).toEqual({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      // The init container hands its token to the agent, which renews and revokes it.
      'vault.hashicorp.com/agent-inject-token': 'true',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes-agents',
      'vault.hashicorp.com/agent-service-account-token-volume-name': 'vault-token',
    });
    const env = job.spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'VAULT_TOKEN_FILE', value: '/vault/secrets/token' },
      { name: 'VAULT_TOKEN_RENEW_INTERVAL', value: '150' },
      { name: 'VAULT_REVOKE_ON_EXIT', value: 'true' },
    ]));
    // The role differs per phase, so it lives in the contract's phase table.
    expect(JSON.stringify(doc.jobTemplate)).not.toContain('vault.hashicorp.com/role');
    expect(doc.jobTemplate.spec.template.spec.runtimeClassName).toBe('gvisor');
    const readOnly = doc.phases.find(p => p.name === 'read-only')!;
    expect(readOnly.podAnnotations!['vault.hashicorp.com/role']).toBe('agent-phase-read-only');
    expect(readOnly.podAnnotations!['vault.hashicorp.com/agent-inject-secret-agents-database-creds-read-only'])
      .toBe('agents/database/creds/read-only');
    const injected = Object.entries(readOnly.podAnnotations!).filter(([k]) => k.startsWith('vault.hashicorp.com/agent-inject-secret-'));
    expect(injected.map(([, v]) => v).sort()).toEqual(readOnly.vaultPaths);
    for (const [k] of injected) {
      expect(k.split('/')[1].length).toBeLessThanOrEqual(63);
    }
  });

  test('every seed value is overridable', () => {
    const { job, doc } = synthTemplate({
      appLabel: 'payments-triage', containerName: 'triage', activeDeadline: TrustDuration.minutes(5), ttlAfterFinished: TrustDuration.minutes(30),
      cpuRequest: kplus.Cpu.millis(250), memoryRequest: Size.mebibytes(512), cpuLimit: kplus.Cpu.units(1), memoryLimit: Size.gibibytes(2), runAsUser: 1001, runAsGroup: 2002,
      scratchSizeLimit: Size.mebibytes(128), scratchPath: '/work', tmpSizeLimit: Size.mebibytes(32),
      tokenExpiration: TrustDuration.minutes(20), tokenMountPath: '/var/run/secrets/tokens',
    });
    expect(job.metadata.labels.app).toBe('payments-triage');
    expect(job.spec.activeDeadlineSeconds).toBe(300);
    expect(job.spec.ttlSecondsAfterFinished).toBe(1800);
    const pod = job.spec.template.spec;
    expect(pod.containers[0].name).toBe('triage');
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 2002, fsGroup: 2002 });
    expect(pod.volumes[0].emptyDir.sizeLimit).toBe('128Mi');
    expect(pod.volumes[2].projected.sources[0].serviceAccountToken.expirationSeconds).toBe(1200);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/work' });
    expect(envOf(job).VAULT_K8S_TOKEN_PATH).toBe('/var/run/secrets/tokens/token');
    expect(job.spec.podFailurePolicy.rules[1].onExitCodes.containerName).toBe('triage');
    expect(doc.containerName).toBe('triage');
    // The admission maximum stays the fleet's deadline.
    expect(doc.jobDeadlineSeconds).toBe(900);
  });

  test('JSON patches added to the Job after construction reach the contract', () => {
    const chart = testChart();
    const template = new AgentJobTemplate(chart, 'Job', { fleet: testFleet(), agent: 'diagnostics' });
    ApiObject.of(template.job).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'agents'));
    const doc = JSON.parse(Testing.synth(chart)[0].data['contract.json']);
    expect(doc.jobTemplate.spec.template.spec.priorityClassName).toBe('agents');
    expect(template.contract.jobTemplate.spec.template.spec.priorityClassName).toBe('agents');
  });

  test('bad inputs are all reported at once, naming construct path, field and value', () => {
    const message = errorOf(() => new AgentJobTemplate(testChart(), 'Job', {
      fleet: testFleet(), agent: 'diagnostics',
      activeDeadline: TrustDuration.seconds(0),
      cpuRequest: kplus.Cpu.units(2), cpuLimit: kplus.Cpu.millis(500),
      memoryRequest: Size.gibibytes(8), memoryLimit: Size.gibibytes(4),
      tokenExpiration: TrustDuration.minutes(5),
      failJobExitCodes: [0, 2, 2, 300],
      runAsUser: 0,
      runtimeClassName: 'Not_A_Class',
      otlpEndpoint: 'http://user:pw@collector:4318',
      containerName: 'Agent',
    }));
    expect(message).toContain('test/Job is invalid');
    expect(message).toContain('activeDeadline = "0s": must be whole seconds and at least 1s');
    expect(message).toContain('cpuLimit = "500m": is below cpuRequest ("2")');
    expect(message).toContain('memoryLimit = "4Gi": is below memoryRequest ("8Gi")');
    expect(message).toContain('tokenExpiration = "5 minutes (300s)": must be whole seconds and at least 600s');
    expect(message).toContain('failJobExitCodes[0] = 0: is not a failure exit code (1-255)');
    expect(message).toContain('failJobExitCodes[2] = 2: is listed twice');
    expect(message).toContain('failJobExitCodes[3] = 300: is not a failure exit code');
    expect(message).toContain('runAsUser = 0: must be a non-zero UID/GID');
    expect(message).toContain('runtimeClassName = "Not_A_Class": is not a RuntimeClass name');
    expect(message).toContain('otlpEndpoint = "http://user:pw@collector:4318": is not an http(s) URL without credentials');
    expect(message).toContain('containerName = "Agent": is not an RFC 1123 DNS label');
  });

  test('a deadline longer than the fleet\'s, and volumes that fill the memory limit, are refused', () => {
    const message = errorOf(() => new AgentJobTemplate(testChart(), 'Job', {
      fleet: testFleet(), agent: 'diagnostics', activeDeadline: TrustDuration.hours(1),
      memoryLimit: Size.gibibytes(1), scratchSizeLimit: Size.gibibytes(1), scratchPath: '/tmp/scratch',
    }));
    expect(message).toContain('activeDeadline = "1 hours (3600s)": is longer than the fleet\'s jobDeadline (15 minutes (900s))');
    expect(message).toContain('scratchSizeLimit = "1Gi": plus tmpSizeLimit (64Mi) fills the whole memoryLimit (1Gi)');
    expect(message).toContain('scratchPath = "/tmp/scratch": is inside /tmp');
  });

  test('token lifetime below 600 s is refused, 600 s exactly is accepted', () => {
    expect(errorOf(() => synthTemplate({ tokenExpiration: TrustDuration.seconds(599) })))
      .toContain('tokenExpiration = "599s": must be whole seconds and at least 600s');
    expect(synthTemplate({ tokenExpiration: TrustDuration.seconds(600) }).job.spec.template.spec.volumes[2].projected.sources[0]
      .serviceAccountToken.expirationSeconds).toBe(600);
    expect(errorOf(() => synthTemplate({ tokenExpiration: TrustDuration.days(2) }))).toContain('is longer than a day');
  });

  test('an unknown agent fails naming the agent and the fleet\'s agents', () => {
    expect(errorOf(() => new AgentJobTemplate(testChart(), 'Job', { fleet: testFleet(), agent: 'ghost' })))
      .toContain('agent = "ghost": is not an agent of the fleet. Fix: use one of diagnostics');
  });

  test('an image with no tag or digest never reaches the template: the fleet refuses it, naming field and value', () => {
    const props = fleetProps();
    const message = errorOf(() => new AgentFleet({ ...props, agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics' }] }));
    expect(message).toContain('agents[0]: image = "registry.example.com/agents/diagnostics": is not an image pinned by tag or digest');
    const digest = `registry.example.com/agents/diagnostics@sha256:${'a'.repeat(64)}`;
    const chart = testChart();
    const template = new AgentJobTemplate(chart, 'Job', {
      fleet: new AgentFleet({ ...props, agents: [{ name: 'diagnostics', image: digest }] }), agent: 'diagnostics',
    });
    expect(template.contract.jobTemplate.spec.template.spec.containers[0].image).toBe(digest);
  });

  test('property: any valid app label, container name and exit codes round-trip into the contract', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/);
    fc.assert(fc.property(label, label, fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { maxLength: 5 }), (app, name, codes) => {
      const chart = testChart();
      const t = new AgentJobTemplate(chart, 'Job', { fleet: testFleet(), agent: 'diagnostics', appLabel: app, containerName: name, failJobExitCodes: codes });
      const doc = JSON.parse(Testing.synth(chart)[0].data['contract.json']);
      expect(doc.containerName).toBe(name);
      expect(doc.jobTemplate.metadata.labels.app).toBe(app);
      expect(doc.jobTemplate.spec.template.spec.containers[0].name).toBe(name);
      const failRule = doc.jobTemplate.spec.podFailurePolicy.rules.find((r: any) => r.action === 'FailJob');
      expect(failRule?.onExitCodes.values ?? []).toEqual([...codes].sort((a, b) => a - b));
      expect(PodSecurityRestricted.checkManifest(t.exampleJob)).toEqual([]);
    }), { numRuns: 25 });
  });

  test('property: a container name that is not a DNS label is refused naming it', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 70 }).filter(s => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63), bad => {
      const message = errorOf(() => new AgentJobTemplate(testChart(), 'Job', { fleet: testFleet(), agent: 'diagnostics', containerName: bad }));
      expect(message).toContain(`containerName = ${JSON.stringify(bad)}`);
    }), { numRuns: 50 });
  });
});

describe('AgentJobTemplate launcher contract', () => {
  test('document header and per-phase table come from the fleet', () => {
    const { doc } = synthTemplate();
    expect(doc.apiVersion).toBe(LauncherContract.API_VERSION);
    expect(doc.kind).toBe('LauncherContract');
    expect(doc.agent).toBe('diagnostics');
    expect(doc.namespace).toBe('agents');
    expect(doc.ceiling).toBe('read-only');
    expect(doc.jobDeadlineSeconds).toBe(900);
    expect(doc.containerName).toBe('agent');
    expect(doc.env).toEqual(LauncherContract.defaultEnvNames());
    const fleet = testFleet();
    expect(doc.phases.map(p => p.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    for (const p of doc.phases) {
      const phase = TrustPhase.of(p.name);
      expect(p.serviceAccount).toBe(`agent-phase-${p.name}`);
      expect(p.vaultRole).toBe(`agent-phase-${p.name}`);
      expect(p.vaultAuthMount).toBe('kubernetes-agents');
      expect(p.egress).toEqual(fleet.egressOf(phase).map(t => t.toString()));
      expect(p.vaultPaths).toEqual(fleet.credentialPaths(phase));
    }
    expect(doc.phases[0].vaultPaths).toEqual(['agents/llm/data/read-only']);
    // Promotion criteria and demotion triggers come from the ladder; the lowest phase needs no promotion.
    expect(doc.phases[0].promotion).toBeUndefined();
    for (const p of doc.phases) {
      const phase = fleet.ladder.phase(p.name);
      if (fleet.ladder.rankOf(phase) > 0) {
        expect(p.promotion).toEqual(fleet.ladder.definition(phase).promotion);
      }
      expect(p.demotionTriggers).toEqual(fleet.ladder.demotionTriggers(phase).map(t => t.id));
    }
    expect(doc.phases[3].demotionTriggers).toEqual(['policy-violation', 'security-incident', 'success-rate-drop']);
    // A broad CIDR keeps the metadata range carved out, visibly.
    expect(doc.phases[1].egress).toContain('0.0.0.0/0 (except 169.254.0.0/16, 100.64.0.0/10):443/TCP');
  });

  test('the template carries no investigation-specific value', () => {
    const { doc, template } = synthTemplate();
    const t = doc.jobTemplate;
    expect(t.metadata.name).toBeUndefined();
    for (const labels of [t.metadata.labels, t.spec.template.metadata.labels]) {
      expect(labels).toEqual({ 'app': 'autonomous-diagnostics', 'agent-trust.io/agent': 'diagnostics' });
    }
    expect(t.spec.template.spec.serviceAccountName).toBeUndefined();
    const names = t.spec.template.spec.containers[0].env.map((e: any) => e.name);
    for (const filled of Object.values(LauncherContract.defaultEnvNames())) {
      expect(names).not.toContain(filled);
    }
    expect(names).toEqual(['OTEL_SERVICE_NAME', 'VAULT_ADDR', 'VAULT_AUTH_MOUNT', 'VAULT_AUTH_METHOD', 'VAULT_K8S_TOKEN_PATH',
      'VAULT_TOKEN_RENEW_INTERVAL', 'VAULT_REVOKE_ON_EXIT', 'TMPDIR']);
    expect(names).not.toContain('VAULT_TOKEN_FILE');
    expect(JSON.stringify(t)).not.toMatch(/:"(investigation-)?template"/);
    expect(JSON.stringify(t)).not.toContain('cdk8s.io/metadata.addr');
    // The getter and the ConfigMap agree.
    expect(template.contract).toEqual(doc);
  });

  test('re-inserting what the renderer fills gives back the example Job exactly', () => {
    const { doc, job } = synthTemplate();
    const rendered = JSON.parse(JSON.stringify(doc.jobTemplate));
    const phase = 'shadow';
    const labels = { [LauncherContract.INVESTIGATION_LABEL]: 'template', [LauncherContract.PHASE_LABEL]: phase };
    rendered.metadata.name = 'investigation-template';
    Object.assign(rendered.metadata.labels, labels);
    Object.assign(rendered.spec.template.metadata.labels, labels);
    rendered.spec.template.spec.serviceAccountName = doc.phases[0].serviceAccount;
    const env = doc.env;
    rendered.spec.template.spec.containers[0].env.unshift(
      { name: env.investigationId, value: 'template' },
      { name: env.trustPhase, value: phase },
      { name: env.vaultRole, value: doc.phases[0].vaultRole },
      { name: env.otelResourceAttributes, value: `investigation.id=template,agent.trust_phase=${phase}` },
    );
    const sortEnv = (j: any) => j.spec.template.spec.containers[0].env.sort((a: any, b: any) => a.name.localeCompare(b.name));
    sortEnv(rendered);
    sortEnv(job);
    expect(rendered).toEqual(job);
  });

  test('the template tells the agent to renew its Vault token every half TTL and to revoke it on exit; the contract states the same', () => {
    const { doc } = synthTemplate();
    const env = doc.jobTemplate.spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: LauncherContract.RENEW_INTERVAL_ENV, value: '150' },
      { name: LauncherContract.REVOKE_ON_EXIT_ENV, value: 'true' },
    ]));
    expect(doc.vaultToken).toEqual({
      ttlSeconds: 300, explicitMaxTtlSeconds: 960, renewIntervalSeconds: 150, revokeOnExit: true,
      renewIntervalEnv: 'VAULT_TOKEN_RENEW_INTERVAL', revokeOnExitEnv: 'VAULT_REVOKE_ON_EXIT',
    });
    // A fleet with another token TTL: the interval follows it.
    const fleet = new AgentFleet({ ...fleetProps(), vaultTokenTtl: TrustDuration.seconds(121) });
    const chart = testChart();
    const t = new AgentJobTemplate(chart, 'T', { fleet, agent: 'diagnostics' });
    expect(t.contract.vaultToken).toEqual(expect.objectContaining({ ttlSeconds: 121, renewIntervalSeconds: 60 }));
    expect(t.exampleJob.spec.template.spec.containers[0].env).toContainEqual({ name: 'VAULT_TOKEN_RENEW_INTERVAL', value: '60' });
  });

  test('snapshot of the contract ConfigMap', () => {
    const { out, doc } = synthTemplate();
    expect(doc).toMatchSnapshot();
    expect({ ...out[0], data: Object.keys(out[0].data) }).toMatchSnapshot();
  });

  test('one ConfigMap per agent, each named for its agent', () => {
    const props = fleetProps();
    const fleet = new AgentFleet({ ...props, agents: [...props.agents, { name: 'capacity', image: 'registry.example.com/agents/capacity:2.0.0' }] });
    const chart = testChart();
    for (const agent of fleet.agents) {
      new AgentJobTemplate(chart, `Job-${agent.name}`, { fleet, agent: agent.name });
    }
    const maps = ofKind(Testing.synth(chart), 'ConfigMap');
    expect(maps.map(m => m.metadata.name)).toEqual(['diagnostics-launcher-contract', 'capacity-launcher-contract']);
    const capacity = JSON.parse(maps[1].data['contract.json']);
    expect(capacity.ceiling).toBe('shadow');
    expect(capacity.jobTemplate.spec.template.spec.containers[0].image).toBe('registry.example.com/agents/capacity:2.0.0');
  });

  test('the detached Job is not part of the user\'s app', () => {
    const { template } = synthTemplate();
    expect(template.job).toBeInstanceOf(kplus.Job);
    expect(template.node.findAll().some(c => c === template.job)).toBe(false);
  });
});

describe('AgentJobTemplate Kubernetes API token (opt-in)', () => {
  test('off by default: no API credentials in the pod', () => {
    const { job } = synthTemplate();
    expect(JSON.stringify(job)).not.toContain('kubernetes.io/serviceaccount');
    expect(job.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['scratch', 'tmp', 'vault-token']);
  });

  test('on: a short-lived API token, the cluster CA and the namespace where in-cluster clients look, read-only', () => {
    const { job, doc } = synthTemplate({ kubernetesApiToken: true, tokenExpiration: TrustDuration.minutes(15) });
    const pod = job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes[3]).toEqual({
      name: 'kube-api-access',
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 900, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    expect(pod.containers[0].volumeMounts[3]).toEqual({
      name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true,
    });
    expect(PodSecurityRestricted.checkManifest(job)).toEqual([]);
    expect(doc.jobTemplate.spec.template.spec.volumes[3].name).toBe('kube-api-access');
  });

  test('on: a token mount path on top of the API credentials is refused', () => {
    expect(errorOf(() => synthTemplate({ kubernetesApiToken: true, tokenMountPath: '/var/run/secrets/kubernetes.io/serviceaccount' })))
      .toContain('tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount": is where kubernetesApiToken mounts the API credentials');
  });
});
